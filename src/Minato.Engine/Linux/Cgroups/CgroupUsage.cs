using System.Globalization;

namespace Minato.Engine.Linux.Cgroups;

/// <summary>CPU and memory use of one cgroup, as the kubelet's summary API wants them; null where the kernel has no value.</summary>
/// <param name="CpuNanoseconds">Cumulative CPU time of all its tasks.</param>
/// <param name="MemoryUsageBytes">Current memory use including page cache.</param>
/// <param name="WorkingSetBytes">Use minus inactive file cache (the kubelet's eviction signal).</param>
/// <param name="RssBytes">Anonymous memory and swap cache.</param>
/// <param name="PageFaults">Page faults since the cgroup was made.</param>
/// <param name="MajorPageFaults">Major page faults since the cgroup was made.</param>
/// <param name="MemoryLimitBytes">The limit, when one is set.</param>
public sealed record CgroupUsage(
    ulong? CpuNanoseconds,
    ulong? MemoryUsageBytes,
    ulong? WorkingSetBytes,
    ulong? RssBytes,
    ulong? PageFaults,
    ulong? MajorPageFaults,
    ulong? MemoryLimitBytes);

/// <summary>Reads a process's cgroup usage from cgroupfs (v1 memory and cpuacct, else v2) without running anything.</summary>
public static class CgroupUsageReader
{
    /// <summary>Usage of the cgroups <paramref name="pid"/> is in, or null when the process is gone.</summary>
    public static CgroupUsage? ForProcess(int pid, string root = "/sys/fs/cgroup")
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid}/cgroup");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var v1 = new Dictionary<string, string>(StringComparer.Ordinal);
        string? unified = null;
        foreach (var line in lines)
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }

            if (parts[1].Length == 0)
            {
                unified = parts[2];
            }

            foreach (var controller in parts[1].Split(','))
            {
                v1[controller] = parts[2];
            }
        }

        return v1.TryGetValue("memory", out var memoryPath) ? V1(root, memoryPath, v1.GetValueOrDefault("cpuacct")) : unified is null ? null : V2(Join(root, unified));
    }

    private static CgroupUsage V1(string root, string memoryPath, string? cpuPath)
    {
        var memory = Join(Path.Combine(root, "memory"), memoryPath);
        var stat = ReadStat(Path.Combine(memory, "memory.stat"));
        var usage = ReadNumber(Path.Combine(memory, "memory.usage_in_bytes"));
        var limit = ReadNumber(Path.Combine(memory, "memory.limit_in_bytes"));
        return new CgroupUsage(
            cpuPath is null ? null : ReadNumber(Path.Combine(Join(Path.Combine(root, "cpuacct"), cpuPath), "cpuacct.usage")),
            usage,
            WorkingSet(usage, stat.GetValueOrDefault("total_inactive_file")),
            stat.TryGetValue("total_rss", out var rss) ? rss : null,
            stat.TryGetValue("total_pgfault", out var faults) ? faults : null,
            stat.TryGetValue("total_pgmajfault", out var major) ? major : null,

            // v1 reports "no limit" as a huge page-aligned number.
            limit is > 0 and < long.MaxValue / 2 ? limit : null);
    }

    private static CgroupUsage V2(string directory)
    {
        var stat = ReadStat(Path.Combine(directory, "memory.stat"));
        var cpu = ReadStat(Path.Combine(directory, "cpu.stat"));
        var usage = ReadNumber(Path.Combine(directory, "memory.current"));
        return new CgroupUsage(
            cpu.TryGetValue("usage_usec", out var usec) ? usec * 1000 : null,
            usage,
            WorkingSet(usage, stat.GetValueOrDefault("inactive_file")),
            stat.TryGetValue("anon", out var anon) ? anon : null,
            stat.TryGetValue("pgfault", out var faults) ? faults : null,
            stat.TryGetValue("pgmajfault", out var major) ? major : null,
            ReadNumber(Path.Combine(directory, "memory.max")));
    }

    private static ulong? WorkingSet(ulong? usage, ulong inactiveFile) =>
        usage is { } u ? (u > inactiveFile ? u - inactiveFile : 0) : null;

    /// <summary>A cgroup path from /proc/PID/cgroup under a hierarchy's mount point.</summary>
    private static string Join(string mount, string cgroupPath) => mount + (cgroupPath == "/" ? string.Empty : cgroupPath);

    private static ulong? ReadNumber(string path)
    {
        try
        {
            return ulong.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static Dictionary<string, ulong> ReadStat(string path)
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0 && ulong.TryParse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    values[line[..space]] = value;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The cgroup went away with its container: no values.
        }

        return values;
    }
}
