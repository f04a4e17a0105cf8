using Minato.Engine.Containers;

namespace Minato.Docker.Containers;

/// <summary>Turns the engine's readings of a container into Docker's stats frame; a function of the readings and a
/// name only, so any engine container (a Docker one, a pod's) can be shown.</summary>
public static class DockerStats
{
    /// <summary>The frame for <paramref name="current"/> with <paramref name="previous"/> as <c>precpu_stats</c>; a
    /// container that does not run (no current reading) gets dockerd's frame of zeros.</summary>
    /// <param name="name">The name with its leading <c>/</c>.</param>
    /// <param name="id">The container id.</param>
    /// <param name="current">This reading, or null when the container does not run.</param>
    /// <param name="previous">The reading before (null for the first frame and a one-shot).</param>
    /// <param name="hostMemory">The host's memory: the limit dockerd shows when none is set.</param>
    public static StatsResponse Frame(string name, string id, ContainerStatistics? current, ContainerStatistics? previous, ulong hostMemory)
    {
        if (current is null)
        {
            return new StatsResponse { Name = name, Id = id };
        }

        var cgroup = current.Cgroup;
        return new StatsResponse
        {
            Name = name,
            Id = id,
            Read = current.Read,
            Preread = previous?.Read ?? default,
            PidsStats = new PidsStats { Current = cgroup.Tasks, Limit = cgroup.TasksLimit ?? 0 },
            BlkioStats = new BlkioStats
            {
                // dockerd spells v2's operations in lower case (it converts io.stat), v1's as the kernel does.
                IoServiceBytesRecursive = cgroup.IoServiceBytes
                    .Select(d => new BlkioEntry(d.Major, d.Minor, cgroup.Version == 2 ? d.Operation.ToLowerInvariant() : d.Operation, d.Value))
                    .ToList(),
            },
            CpuStats = Cpu(current),
            PrecpuStats = previous is null ? new CpuStats() : Cpu(previous),
            MemoryStats = new MemoryStats
            {
                Usage = cgroup.MemoryUsage,
                MaxUsage = cgroup.MemoryMaxUsage,
                Stats = new Dictionary<string, ulong>(cgroup.MemoryStat, StringComparer.Ordinal),
                Failcnt = cgroup.MemoryFailCount,
                Limit = cgroup.MemoryLimit is { } limit && (hostMemory == 0 || limit < hostMemory) ? limit : hostMemory,
            },
            Networks = current.Networks.Count == 0
                ? null
                : current.Networks.ToDictionary(
                    i => i.Name,
                    i => new NetworkStats(i.RxBytes, i.RxPackets, i.RxErrors, i.RxDropped, i.TxBytes, i.TxPackets, i.TxErrors, i.TxDropped),
                    StringComparer.Ordinal),
        };
    }

    private static CpuStats Cpu(ContainerStatistics reading) => new()
    {
        CpuUsage = new CpuUsage
        {
            TotalUsage = reading.Cgroup.CpuTotal,
            PercpuUsage = reading.Cgroup.PerCpu.Count > 0 ? [.. reading.Cgroup.PerCpu] : null,
            UsageInKernelmode = reading.Cgroup.CpuKernel,
            UsageInUsermode = reading.Cgroup.CpuUser,
        },
        SystemCpuUsage = reading.SystemCpu,
        OnlineCpus = reading.OnlineCpus,
        ThrottlingData = new ThrottlingData
        {
            Periods = reading.Cgroup.Throttling.Periods,
            ThrottledPeriods = reading.Cgroup.Throttling.ThrottledPeriods,
            ThrottledTime = reading.Cgroup.Throttling.ThrottledTime,
        },
    };
}
