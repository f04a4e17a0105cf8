using Minato.Engine.Linux.Cgroups;

namespace Minato.Cri.Stats;

/// <summary>The kubelet's <c>memory.available</c> for a container or pod: its limit less its working set.</summary>
public static class AvailableMemory
{
    /// <summary>Bytes left under the limit, zero when the working set is over it; null without a limit or a working set.</summary>
    public static ulong? Bytes(CgroupUsage usage) =>
        usage.MemoryLimitBytes is { } limit && usage.WorkingSetBytes is { } working ? (limit > working ? limit - working : 0) : null;
}
