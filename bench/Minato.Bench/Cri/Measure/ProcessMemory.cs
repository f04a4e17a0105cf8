using System.Globalization;

namespace Minato.Bench.Cri.Measure;

/// <summary>A process seen in <c>/proc</c>: enough to tell processes apart and to say what they are in the report.</summary>
public sealed record ProcessInfo(int Pid, int ParentPid, string Name, string CommandLine);

/// <summary>Reads memory figures of processes from <c>/proc</c>.</summary>
public static class ProcessMemory
{
    /// <summary>Resident set size in bytes (<c>VmRSS</c>), or 0 when the process is gone.</summary>
    public static long Rss(int pid) => ReadKilobytes($"/proc/{pid}/status", "VmRSS:") * 1024;

    /// <summary>Proportional set size in bytes: shared pages split among their users, so per-pod sums do not double count
    /// the shared binaries and libraries; 0 when the process is gone.</summary>
    public static long Pss(int pid) => ReadKilobytes($"/proc/{pid}/smaps_rollup", "Pss:") * 1024;

    /// <summary>Every process now running.</summary>
    public static IReadOnlyList<ProcessInfo> Snapshot()
    {
        var list = new List<ProcessInfo>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                var name = stat[(stat.IndexOf('(') + 1)..close];
                var parent = int.Parse(stat[(close + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
                list.Add(new ProcessInfo(pid, parent, name, commandLine));
            }
            catch (IOException)
            {
                // Exited while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return list;
    }

    private static long ReadKilobytes(string path, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }
}
