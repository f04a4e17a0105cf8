using Minato.Engine.Linux;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Linux.Namespaces;

namespace Minato.Engine.Containers;

/// <summary>One reading of a running container's cgroups and network interfaces, with the host's CPU time beside it
/// (a stats API computes the CPU share from two readings).</summary>
/// <param name="Read">When it was read.</param>
/// <param name="Cgroup">Its cgroups' figures.</param>
/// <param name="SystemCpu">The host's cumulative CPU time, nanoseconds.</param>
/// <param name="OnlineCpus">CPUs the host has online.</param>
/// <param name="Networks">Its network namespace's interfaces, loopback left out; empty without a network.</param>
public sealed record ContainerStatistics(
    DateTimeOffset Read, CgroupStatistics Cgroup, ulong SystemCpu, int OnlineCpus, IReadOnlyList<InterfaceCounters> Networks)
{
    /// <summary>Reads the container whose init is host process <paramref name="pid"/> (any container, of any front door);
    /// null when the process or its cgroup is gone.</summary>
    public static ContainerStatistics? ForProcess(int pid, DateTimeOffset now)
    {
        if (pid <= 0 || CgroupStatisticsReader.ForProcess(pid) is not { } cgroup)
        {
            return null;
        }

        return new ContainerStatistics(now, cgroup, HostCpu.SystemNanoseconds(), CpusOf(cgroup), Interfaces(pid));
    }

    /// <summary>The interfaces of the process's network namespace: <c>/proc/PID/net/dev</c> shows that namespace's.</summary>
    private static List<InterfaceCounters> Interfaces(int pid)
    {
        try
        {
            return InterfaceCounters.Parse(File.ReadAllText($"/proc/{pid}/net/dev")).Where(i => i.Name != "lo").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>v1 counts one figure per CPU; else the CPUs this process may run on.</summary>
    private static int CpusOf(CgroupStatistics cgroup) =>
        cgroup.PerCpu.Count > 0 ? cgroup.PerCpu.Count : Environment.ProcessorCount;
}
