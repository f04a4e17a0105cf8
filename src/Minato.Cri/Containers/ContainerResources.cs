namespace Minato.Cri.Containers;

/// <summary>A hugetlb limit: the page size as the kubelet writes it (<c>2MB</c>, <c>1GB</c>) and the bytes.</summary>
public sealed record HugepageLimit(string PageSize, ulong Limit);

/// <summary>The Linux resources of a container (CRI LinuxContainerResources); 0 or empty means "not set".</summary>
public sealed record ContainerResources
{
    public long CpuPeriod { get; init; }

    public long CpuQuota { get; init; }

    public long CpuShares { get; init; }

    public long MemoryLimitInBytes { get; init; }

    /// <summary>Memory plus swap; -1 for unlimited swap; 0 means "no swap" when a memory limit is set.</summary>
    public long MemorySwapLimitInBytes { get; init; }

    /// <summary>Requested OOM score; the kubelet sets it from the pod's QoS class.</summary>
    public long OomScoreAdj { get; init; }

    public string CpusetCpus { get; init; } = string.Empty;

    public string CpusetMems { get; init; } = string.Empty;

    public IReadOnlyList<HugepageLimit> HugepageLimits { get; init; } = [];

    /// <summary>cgroup v2 files and values (v2 only).</summary>
    public IReadOnlyDictionary<string, string> Unified { get; init; } = new Dictionary<string, string>();
}
