using System.Globalization;

namespace Minato.Engine.Linux.Cgroups;

/// <summary>CPU, memory and process use of one cgroup, as the kubelet's summary API wants them; null where the kernel has no value.</summary>
/// <param name="CpuNanoseconds">Cumulative CPU time of all its tasks.</param>
/// <param name="MemoryUsageBytes">Current memory use including page cache.</param>
/// <param name="WorkingSetBytes">Use minus inactive file cache (the kubelet's eviction signal).</param>
/// <param name="RssBytes">Anonymous memory (v1 also counts swap cache).</param>
/// <param name="PageFaults">Page faults since the cgroup was made.</param>
/// <param name="MajorPageFaults">Major page faults since the cgroup was made.</param>
/// <param name="MemoryLimitBytes">The limit, when one is set.</param>
/// <param name="CacheBytes">Page cache (v1 <c>total_cache</c>, v2 <c>file</c>).</param>
/// <param name="Processes">Tasks in the cgroup (<c>pids.current</c>).</param>
/// <param name="OomKills">Processes the OOM killer ended in the cgroup.</param>
public sealed record CgroupUsage(
    ulong? CpuNanoseconds,
    ulong? MemoryUsageBytes,
    ulong? WorkingSetBytes,
    ulong? RssBytes,
    ulong? PageFaults,
    ulong? MajorPageFaults,
    ulong? MemoryLimitBytes,
    ulong? CacheBytes = null,
    ulong? Processes = null,
    ulong? OomKills = null)
{
    /// <summary>The sum of several cgroups (a pod without a cgroup of its own); a value is null only when every part lacks it.</summary>
    public static CgroupUsage Sum(IReadOnlyCollection<CgroupUsage> parts) => new(
        Add(parts, u => u.CpuNanoseconds),
        Add(parts, u => u.MemoryUsageBytes),
        Add(parts, u => u.WorkingSetBytes),
        Add(parts, u => u.RssBytes),
        Add(parts, u => u.PageFaults),
        Add(parts, u => u.MajorPageFaults),
        null,
        Add(parts, u => u.CacheBytes),
        Add(parts, u => u.Processes),
        Add(parts, u => u.OomKills));

    private static ulong? Add(IReadOnlyCollection<CgroupUsage> parts, Func<CgroupUsage, ulong?> value) =>
        parts.Select(value).Where(v => v.HasValue).Aggregate((ulong?)null, (sum, v) => (sum ?? 0) + v);
}

/// <summary>Reads cgroup usage from cgroupfs (v1 memory, cpuacct and pids, else v2) without running anything.</summary>
public static class CgroupUsageReader
{
    /// <summary>Usage of the cgroups <paramref name="pid"/> is in, or null when the process is gone.</summary>
    public static CgroupUsage? ForProcess(int pid, string root = "/sys/fs/cgroup") =>
        CgroupPaths.OfProcess(pid) is { } paths ? Read(paths, root) : null;

    /// <summary>Usage of the cgroups at <paramref name="paths"/>; null when they name no memory hierarchy or the cgroup does not exist.</summary>
    public static CgroupUsage? Read(CgroupPaths paths, string root = "/sys/fs/cgroup")
    {
        if (paths.V1.TryGetValue("memory", out var memory))
        {
            var directory = Join(Path.Combine(root, "memory"), memory);
            return Directory.Exists(directory) ? V1(root, directory, paths) : null;
        }

        if (paths.Unified is { } unified)
        {
            var directory = Join(root, unified);
            return Directory.Exists(directory) ? V2(directory) : null;
        }

        return null;
    }

    private static CgroupUsage V1(string root, string memory, CgroupPaths paths)
    {
        var stat = ReadStat(Path.Combine(memory, "memory.stat"));
        var usage = ReadNumber(Path.Combine(memory, "memory.usage_in_bytes"));
        var limit = ReadNumber(Path.Combine(memory, "memory.limit_in_bytes"));
        var cpu = paths.V1.GetValueOrDefault("cpuacct");
        var pids = paths.V1.GetValueOrDefault("pids");
        return new CgroupUsage(
            cpu is null ? null : ReadNumber(Path.Combine(Join(Path.Combine(root, "cpuacct"), cpu), "cpuacct.usage")),
            usage,
            WorkingSet(usage, stat.GetValueOrDefault("total_inactive_file")),
            Value(stat, "total_rss"),
            Value(stat, "total_pgfault"),
            Value(stat, "total_pgmajfault"),

            // v1 reports "no limit" as a huge page-aligned number.
            limit is > 0 and < long.MaxValue / 2 ? limit : null,
            Value(stat, "total_cache"),
            pids is null ? null : ReadNumber(Path.Combine(Join(Path.Combine(root, "pids"), pids), "pids.current")),

            // oom_control has "oom_kill N" since Linux 4.13.
            Value(ReadStat(Path.Combine(memory, "memory.oom_control")), "oom_kill"));
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
            Value(stat, "anon"),
            Value(stat, "pgfault"),
            Value(stat, "pgmajfault"),

            // "max" (no limit) does not parse as a number.
            ReadNumber(Path.Combine(directory, "memory.max")),
            Value(stat, "file"),
            ReadNumber(Path.Combine(directory, "pids.current")),
            Value(ReadStat(Path.Combine(directory, "memory.events")), "oom_kill"));
    }

    private static ulong? WorkingSet(ulong? usage, ulong inactiveFile) =>
        usage is { } u ? (u > inactiveFile ? u - inactiveFile : 0) : null;

    private static ulong? Value(Dictionary<string, ulong> stat, string key) => stat.TryGetValue(key, out var value) ? value : null;

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
