using System.Globalization;
using Minato.Bench.Cri.Measure;

namespace Minato.Bench.Soak;

/// <summary>The daemon's resource use at one moment: its descriptors, threads and RSS, and the processes of the run
/// (the daemon's children, and conmon, runc and the containers' processes wherever they were reparented).</summary>
internal sealed record DaemonSample(
    string Label, int Cycles, TimeSpan Elapsed, int Descriptors, int Threads, long RssBytes, int Children, int Conmon, int Runc, int Processes)
{
    public double RssMiB => RssBytes / 1048576.0;

    /// <summary>Reads <c>/proc</c> for <paramref name="pid"/>; processes count as the run's when they descend from the daemon
    /// or name <paramref name="workDirectory"/> (conmon names its bundle) or descend from one that does.</summary>
    public static DaemonSample Take(string label, int cycles, TimeSpan elapsed, int pid, string workDirectory)
    {
        var all = ProcessMemory.Snapshot();
        var byPid = all.ToDictionary(p => p.Pid);
        var run = all.Where(p => p.Pid != pid && p.Pid != Environment.ProcessId && BelongsToRun(p, byPid, pid, workDirectory)).ToList();
        return new DaemonSample(label, cycles, elapsed,
            Descriptors: Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length,
            Threads: (int)StatusValue(pid, "Threads:"),
            RssBytes: ProcessMemory.Rss(pid),
            Children: all.Count(p => p.ParentPid == pid),
            Conmon: run.Count(p => p.Name == "conmon"),
            Runc: run.Count(p => p.Name.StartsWith("runc", StringComparison.Ordinal)),
            Processes: run.Count);
    }

    private static bool BelongsToRun(ProcessInfo process, Dictionary<int, ProcessInfo> byPid, int daemonPid, string workDirectory)
    {
        for (var (p, depth) = (process, 0); p is not null && depth < 64; depth++)
        {
            if (p.Pid == daemonPid || p.CommandLine.Contains(workDirectory, StringComparison.Ordinal))
            {
                return true;
            }

            p = p.ParentPid > 1 ? byPid.GetValueOrDefault(p.ParentPid) : null;
        }

        return false;
    }

    private static long StatusValue(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
