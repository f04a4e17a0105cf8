using System.Runtime.InteropServices;
using Minato.Bench.Cri.Measure;

namespace Minato.Bench.Cri.Hosting;

/// <summary>Last-resort cleanup of what a runtime left on the host: processes and mounts of this run only.</summary>
internal static partial class HostCleanup
{
    private const int MntDetach = 2;

    /// <summary>SIGKILLs every process whose command line contains <paramref name="marker"/> (a path unique to this run).</summary>
    public static int KillProcessesMentioning(string marker)
    {
        var killed = 0;
        foreach (var process in ProcessMemory.Snapshot())
        {
            if (process.Pid != Environment.ProcessId && process.CommandLine.Contains(marker, StringComparison.Ordinal))
            {
                killed += Kill(process.Pid, 9) == 0 ? 1 : 0;
            }
        }

        return killed;
    }

    /// <summary>Like <see cref="KillProcessesMentioning"/>, and kills their descendants too: a container's processes name
    /// nothing of the run, only the conmon above them does, and outlive it.</summary>
    public static int KillProcessTreesMentioning(string marker)
    {
        var all = ProcessMemory.Snapshot();
        var doomed = all.Where(p => p.Pid != Environment.ProcessId && p.CommandLine.Contains(marker, StringComparison.Ordinal))
            .Select(p => p.Pid).ToHashSet();
        for (var added = true; added;)
        {
            added = false;
            foreach (var process in all.Where(p => doomed.Contains(p.ParentPid) && p.Pid != Environment.ProcessId))
            {
                added |= doomed.Add(process.Pid);
            }
        }

        return doomed.Count(pid => Kill(pid, 9) == 0);
    }

    /// <summary>Lazily unmounts every mount point at or below <paramref name="directory"/>, deepest first.</summary>
    public static int UnmountUnder(string directory)
    {
        var prefix = directory.TrimEnd('/') + "/";
        var points = File.ReadLines("/proc/self/mountinfo")
            .Select(line => Unescape(line.Split(' ')[4]))
            .Where(point => point.StartsWith(prefix, StringComparison.Ordinal) || point == directory)
            .Distinct()
            .OrderByDescending(point => point.Length)
            .ToList();
        foreach (var point in points)
        {
            _ = Umount2(point, MntDetach);
        }

        return points.Count;
    }

    /// <summary>Deletes a network link (the bench's bridge) if it exists, with <c>ip link del</c>, bounded in time.</summary>
    public static async Task DeleteLinkAsync(string name)
    {
        if (!Directory.Exists($"/sys/class/net/{name}"))
        {
            return;
        }

        var start = new System.Diagnostics.ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var arg in new[] { "link", "del", name })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start);
        if (process is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
        }
    }

    // mountinfo escapes space, tab, newline and backslash as octal.
    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Umount2(string target, int flags);
}
