using Minato.Cri.Pods;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Linux.Namespaces;

namespace Minato.Cri.Containers;

/// <summary>One pod's resource use at one moment.</summary>
/// <param name="Pod">The pod, as listed.</param>
/// <param name="Timestamp">Unix nanoseconds when it was read.</param>
/// <param name="Usage">CPU, memory and tasks of the pod's cgroup, or the sum of its running containers'; null when nothing runs.</param>
/// <param name="NanoCores">CPU use rate since the previous reading (null on the first one).</param>
/// <param name="Interfaces">Interface counters in the pod's network namespace; null for host-network or stopped pods.</param>
/// <param name="Containers">The pod's containers' use.</param>
public sealed record PodSandboxUsage(
    PodSandbox Pod,
    long Timestamp,
    CgroupUsage? Usage,
    ulong? NanoCores,
    IReadOnlyList<InterfaceCounters>? Interfaces,
    IReadOnlyList<PodContainerUsage> Containers);
