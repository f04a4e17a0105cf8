using System.Globalization;
using System.Runtime.InteropServices;

namespace Minato.Docker.Daemon;

/// <summary>Figures of this machine as <c>/version</c> and <c>/info</c> report them, read from /proc and /etc.</summary>
internal static class HostFigures
{
    /// <summary>The running kernel's release (<c>uname -r</c>).</summary>
    public static string KernelVersion => ReadFirstLine("/proc/sys/kernel/osrelease");

    /// <summary>Go's name of the architecture (<c>amd64</c>, <c>arm64</c>), as <c>/version</c> reports it.</summary>
    public static string GoArch => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.S390x => "s390x",
        Architecture.Ppc64le => "ppc64le",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>The kernel's name of the architecture (<c>uname -m</c>), as <c>/info</c> reports it.</summary>
    public static string Machine => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "x86_64",
        Architecture.Arm64 => "aarch64",
        Architecture.Arm => "armv7l",
        Architecture.S390x => "s390x",
        Architecture.Ppc64le => "ppc64le",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>MemTotal of /proc/meminfo in bytes; 0 when unreadable.</summary>
    public static long MemoryBytes
    {
        get
        {
            foreach (var line in ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    var kb = line["MemTotal:".Length..].Trim().Split(' ')[0];
                    return long.TryParse(kb, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value * 1024 : 0;
                }
            }

            return 0;
        }
    }

    /// <summary>A value of /etc/os-release (<c>PRETTY_NAME</c>, <c>VERSION_ID</c>), unquoted; empty when absent.</summary>
    public static string OsRelease(string key)
    {
        foreach (var line in ReadLines("/etc/os-release"))
        {
            if (line.StartsWith(key + "=", StringComparison.Ordinal))
            {
                return line[(key.Length + 1)..].Trim('"', '\'');
            }
        }

        return "";
    }

    private static string ReadFirstLine(string path) => ReadLines(path).FirstOrDefault() ?? "";

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
