namespace Minato.Engine.Linux.Cgroups;

/// <summary>Limits for one existing cgroup; null or empty leaves that setting as it is.</summary>
/// <param name="CpuShares">Relative CPU weight in v1 shares (2..262144); v2 gets the equivalent <c>cpu.weight</c>.</param>
/// <param name="CpuQuota">CPU time per period in microseconds; -1 means no limit.</param>
/// <param name="CpuPeriod">The quota period in microseconds (1000..1000000).</param>
/// <param name="CpusetCpus">CPUs the tasks may run on, in the kernel's list form (<c>0-3,6</c>).</param>
/// <param name="CpusetMems">Memory nodes the tasks may use, same form.</param>
/// <param name="MemoryLimit">Memory limit in bytes; -1 means no limit.</param>
/// <param name="Hugepages">hugetlb limits in bytes by page size as the kernel names it (<c>2MB</c>, <c>1GB</c>).</param>
/// <param name="Unified">Raw cgroup v2 files and values (v2 only).</param>
public sealed record CgroupLimits(
    ulong? CpuShares = null,
    long? CpuQuota = null,
    ulong? CpuPeriod = null,
    string? CpusetCpus = null,
    string? CpusetMems = null,
    long? MemoryLimit = null,
    IReadOnlyDictionary<string, ulong>? Hugepages = null,
    IReadOnlyDictionary<string, string>? Unified = null);
