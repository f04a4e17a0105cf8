using System.Globalization;

namespace Minato.Engine.Linux.Cgroups;

/// <summary>The full figures of one container's cgroups, as a stats API shows them (Docker's, cAdvisor's): CPU with
/// its user/kernel split and throttling, memory with the raw <c>memory.stat</c> keys of its cgroup version, block I/O
/// and tasks. Zero where the kernel has no value.</summary>
/// <param name="Version">1 or 2: which keys <see cref="MemoryStat"/> holds.</param>
/// <param name="CpuTotal">Cumulative CPU time, nanoseconds.</param>
/// <param name="CpuUser">Of which in user mode, nanoseconds.</param>
/// <param name="CpuKernel">Of which in kernel mode, nanoseconds.</param>
/// <param name="PerCpu">Per-CPU time in nanoseconds (v1 <c>cpuacct.usage_percpu</c>; empty on v2).</param>
/// <param name="Throttling">CFS periods, throttled periods and throttled nanoseconds.</param>
/// <param name="MemoryUsage">Current use including page cache.</param>
/// <param name="MemoryMaxUsage">Highest use seen (v1 only; 0 on v2).</param>
/// <param name="MemoryLimit">The limit, or null when none is set.</param>
/// <param name="MemoryStat">The cgroup's <c>memory.stat</c> as the kernel names its keys.</param>
/// <param name="MemoryFailCount">Times the limit was hit (v1 <c>memory.failcnt</c>, v2 <c>memory.events</c> max).</param>
/// <param name="Tasks">Tasks now in the cgroup (<c>pids.current</c>).</param>
/// <param name="TasksLimit">The pids limit, or null when none is set.</param>
/// <param name="IoServiceBytes">Bytes read and written per device (<c>Read</c>/<c>Write</c>).</param>
public sealed record CgroupStatistics(
    int Version,
    ulong CpuTotal,
    ulong CpuUser,
    ulong CpuKernel,
    IReadOnlyList<ulong> PerCpu,
    CpuThrottling Throttling,
    ulong MemoryUsage,
    ulong MemoryMaxUsage,
    ulong? MemoryLimit,
    IReadOnlyDictionary<string, ulong> MemoryStat,
    ulong MemoryFailCount,
    ulong Tasks,
    ulong? TasksLimit,
    IReadOnlyList<DeviceIo> IoServiceBytes);

/// <summary>CFS throttling of a cgroup: periods elapsed, periods throttled, time throttled (nanoseconds).</summary>
public sealed record CpuThrottling(ulong Periods, ulong ThrottledPeriods, ulong ThrottledTime);

/// <summary>One block device's counter for one operation (<c>Read</c>, <c>Write</c>).</summary>
public sealed record DeviceIo(ulong Major, ulong Minor, string Operation, ulong Value);

/// <summary>Reads <see cref="CgroupStatistics"/> from cgroupfs: cgroup v2 when the process is only in the unified
/// hierarchy, else the v1 controllers (memory, cpu, cpuacct, blkio, pids), each at its own path.</summary>
public static class CgroupStatisticsReader
{
    /// <summary>USER_HZ: the unit of v1 <c>cpuacct.stat</c>, 100 on every Linux ABI.</summary>
    private const ulong UserHz = 100;

    /// <summary>The statistics of the cgroups <paramref name="pid"/> is in; null when it is gone or they are.</summary>
    public static CgroupStatistics? ForProcess(int pid, string root = "/sys/fs/cgroup") =>
        CgroupPaths.OfProcess(pid) is { } paths ? Read(paths, root) : null;

    /// <summary>The statistics of the cgroups at <paramref name="paths"/>; null when no memory hierarchy exists for them.</summary>
    public static CgroupStatistics? Read(CgroupPaths paths, string root = "/sys/fs/cgroup")
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

    private static CgroupStatistics V1(string root, string memory, CgroupPaths paths)
    {
        // A controller the process is not in has no files: the empty path reads as absent.
        string In(string controller, string file) =>
            paths.V1.TryGetValue(controller, out var path) ? Path.Combine(Join(Path.Combine(root, controller), path), file) : string.Empty;

        var ticks = CgroupText.ReadStat(In("cpuacct", "cpuacct.stat"));
        var throttling = CgroupText.ReadStat(In("cpu", "cpu.stat"));
        var limit = CgroupText.ReadNumber(Path.Combine(memory, "memory.limit_in_bytes"));
        return new CgroupStatistics(
            1,
            CgroupText.ReadNumber(In("cpuacct", "cpuacct.usage")) ?? 0,
            ticks.GetValueOrDefault("user") * (1_000_000_000 / UserHz),
            ticks.GetValueOrDefault("system") * (1_000_000_000 / UserHz),
            CgroupText.ReadNumbers(In("cpuacct", "cpuacct.usage_percpu")),
            new CpuThrottling(throttling.GetValueOrDefault("nr_periods"), throttling.GetValueOrDefault("nr_throttled"), throttling.GetValueOrDefault("throttled_time")),
            CgroupText.ReadNumber(Path.Combine(memory, "memory.usage_in_bytes")) ?? 0,
            CgroupText.ReadNumber(Path.Combine(memory, "memory.max_usage_in_bytes")) ?? 0,

            // v1 reports "no limit" as a huge page-aligned number.
            limit is > 0 and < long.MaxValue / 2 ? limit : null,
            CgroupText.ReadStat(Path.Combine(memory, "memory.stat")),
            CgroupText.ReadNumber(Path.Combine(memory, "memory.failcnt")) ?? 0,
            CgroupText.ReadNumber(In("pids", "pids.current")) ?? 0,
            CgroupText.ReadNumber(In("pids", "pids.max")),
            V1Io(In("blkio", "blkio.throttle.io_service_bytes_recursive")));
    }

    private static CgroupStatistics V2(string directory)
    {
        var cpu = CgroupText.ReadStat(Path.Combine(directory, "cpu.stat"));
        return new CgroupStatistics(
            2,
            cpu.GetValueOrDefault("usage_usec") * 1000,
            cpu.GetValueOrDefault("user_usec") * 1000,
            cpu.GetValueOrDefault("system_usec") * 1000,
            [],
            new CpuThrottling(cpu.GetValueOrDefault("nr_periods"), cpu.GetValueOrDefault("nr_throttled"), cpu.GetValueOrDefault("throttled_usec") * 1000),
            CgroupText.ReadNumber(Path.Combine(directory, "memory.current")) ?? 0,
            CgroupText.ReadNumber(Path.Combine(directory, "memory.peak")) ?? 0,

            // "max" (no limit) does not parse as a number.
            CgroupText.ReadNumber(Path.Combine(directory, "memory.max")),
            CgroupText.ReadStat(Path.Combine(directory, "memory.stat")),
            CgroupText.ReadStat(Path.Combine(directory, "memory.events")).GetValueOrDefault("max"),
            CgroupText.ReadNumber(Path.Combine(directory, "pids.current")) ?? 0,
            CgroupText.ReadNumber(Path.Combine(directory, "pids.max")),
            V2Io(Path.Combine(directory, "io.stat")));
    }

    /// <summary>v1 <c>MAJ:MIN Op value</c> lines (and a final <c>Total value</c>, skipped).</summary>
    private static List<DeviceIo> V1Io(string path)
    {
        var entries = new List<DeviceIo>();
        foreach (var line in CgroupText.ReadLines(path))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 3 && Device(fields[0]) is { } device && Number(fields[2]) is { } value)
            {
                entries.Add(new DeviceIo(device.Major, device.Minor, fields[1], value));
            }
        }

        return entries;
    }

    /// <summary>v2 <c>MAJ:MIN rbytes=N wbytes=N rios=N ...</c> lines, as Read and Write byte counts.</summary>
    private static List<DeviceIo> V2Io(string path)
    {
        var entries = new List<DeviceIo>();
        foreach (var line in CgroupText.ReadLines(path))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || Device(fields[0]) is not { } device)
            {
                continue;
            }

            foreach (var field in fields.Skip(1))
            {
                var (key, value) = field.Split('=', 2) is [var k, var v] ? (k, Number(v)) : (field, null);
                if (value is { } n && key is "rbytes" or "wbytes")
                {
                    entries.Add(new DeviceIo(device.Major, device.Minor, key == "rbytes" ? "Read" : "Write", n));
                }
            }
        }

        return entries;
    }

    private static (ulong Major, ulong Minor)? Device(string text) =>
        text.Split(':') is [var major, var minor] && Number(major) is { } a && Number(minor) is { } b ? (a, b) : null;

    private static ulong? Number(string text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A cgroup path from /proc/PID/cgroup under a hierarchy's mount point.</summary>
    private static string Join(string mount, string cgroupPath) => mount + (cgroupPath == "/" ? string.Empty : cgroupPath);
}
