using Minato.Cri.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Linux.Cgroups;

namespace Minato.Cri.Pods;

/// <summary>Translates the CRI's pod overhead and resources into the limits of the pod's cgroup.</summary>
/// <remarks>
/// The pod cgroup holds the containers and the sandbox's own overhead, as the kubelet sizes it: CPU shares, quota,
/// memory and hugepages are the sum of both; cpusets and unified entries come from the resources (the overhead's fill
/// what the resources leave unset). A 0 or empty field means "not set" and leaves the cgroup's value as it is.
/// <c>oom_score_adj</c> belongs to processes, not cgroups, and swap follows the containers' own limits: neither is
/// written to the pod cgroup.
/// </remarks>
public static class PodCgroupLimits
{
    private const long DefaultPeriod = 100_000;
    private const ulong MaxShares = 262_144;

    // Bounds that keep every sum below of two fields far from overflow.
    private const long MaxQuota = 1L << 40;
    private const long MaxBytes = 1L << 60;

    /// <summary>The limits for the pod cgroup.</summary>
    /// <exception cref="InvalidInputException">A field is negative or otherwise not a value the CRI allows; the message names it.</exception>
    public static CgroupLimits From(ContainerResources overhead, ContainerResources resources)
    {
        Validate("overhead", overhead);
        Validate("resources", resources);
        var quota = Quota(overhead, resources);
        return new CgroupLimits(
            CpuShares: Shares(overhead, resources),
            CpuQuota: quota,

            // A quota is judged against a period: the one sent, else the kernel's default, never one left from before.
            CpuPeriod: resources.CpuPeriod > 0 ? (ulong)resources.CpuPeriod : quota > 0 ? DefaultPeriod : null,
            CpusetCpus: Either(resources.CpusetCpus, overhead.CpusetCpus),
            CpusetMems: Either(resources.CpusetMems, overhead.CpusetMems),
            MemoryLimit: Memory(overhead, resources),
            Hugepages: resources.HugepageLimits.Concat(overhead.HugepageLimits)
                .GroupBy(h => h.PageSize, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Aggregate(0UL, (sum, h) => sum + h.Limit), StringComparer.Ordinal),
            Unified: overhead.Unified.Concat(resources.Unified)
                .GroupBy(e => e.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal));
    }

    private static void Validate(string name, ContainerResources r)
    {
        Require(r.CpuPeriod >= 0, name, "cpu_period", r.CpuPeriod, "must not be negative");
        Require(r.CpuPeriod is 0 or (>= 1_000 and <= 1_000_000), name, "cpu_period", r.CpuPeriod, "must be 1000 to 1000000 microseconds");
        Require(r.CpuQuota >= -1, name, "cpu_quota", r.CpuQuota, "must be -1 (no limit), 0 (not set) or positive");
        Require(r.CpuQuota is <= 0 or (>= 1_000 and <= MaxQuota), name, "cpu_quota", r.CpuQuota, "must be 1000 to 2^40 microseconds");
        Require(r.CpuShares >= 0, name, "cpu_shares", r.CpuShares, "must not be negative");
        Require(r.CpuShares is 0 or (>= 2 and <= (long)MaxShares), name, "cpu_shares", r.CpuShares, "must be 2 to 262144");
        Require(r.MemoryLimitInBytes >= 0, name, "memory_limit_in_bytes", r.MemoryLimitInBytes, "must not be negative");
        Require(r.MemoryLimitInBytes is 0 or (>= 4096 and <= MaxBytes), name, "memory_limit_in_bytes", r.MemoryLimitInBytes, "must be 4096 bytes to 2^60 bytes");
        if (r.HugepageLimits.Count > 8)
        {
            throw new InvalidInputException($"{name}.hugepage_limits has {r.HugepageLimits.Count} entries: at most 8 are accepted");
        }

        for (var i = 0; i < r.HugepageLimits.Count; i++)
        {
            var size = r.HugepageLimits[i].PageSize;
            if (size.Length is 0 or > 8 || !size.EndsWith('B') || !size[..^2].All(char.IsAsciiDigit) || "KMG".IndexOf(size[^2], StringComparison.Ordinal) < 0)
            {
                throw new InvalidInputException($"{name}.hugepage_limits[{i}].page_size {size} is not a page size such as 2MB or 1GB");
            }

            Require(r.HugepageLimits[i].Limit <= MaxBytes, name, $"hugepage_limits[{i}].limit", (long)Math.Min(r.HugepageLimits[i].Limit, long.MaxValue), "must be at most 2^60 bytes");
        }
    }

    private static void Require(bool condition, string name, string field, long value, string rule)
    {
        if (!condition)
        {
            throw new InvalidInputException($"{name}.{field} {value} is out of range: {rule}");
        }
    }

    private static ulong? Shares(ContainerResources overhead, ContainerResources resources) =>
        resources.CpuShares == 0 && overhead.CpuShares == 0 ? null : Math.Min(MaxShares, (ulong)(resources.CpuShares + overhead.CpuShares));

    /// <summary>The resources' quota plus the overhead's, scaled to the resources' period; no limit stays no limit.</summary>
    private static long? Quota(ContainerResources overhead, ContainerResources resources)
    {
        if (resources.CpuQuota == -1)
        {
            return -1;
        }

        if (resources.CpuQuota == 0)
        {
            return null;
        }

        var period = resources.CpuPeriod > 0 ? resources.CpuPeriod : DefaultPeriod;
        var extra = overhead.CpuQuota > 0 ? overhead.CpuQuota * period / (overhead.CpuPeriod > 0 ? overhead.CpuPeriod : DefaultPeriod) : 0;
        return resources.CpuQuota + extra;
    }

    /// <summary>The resources' memory limit plus the overhead's; without a limit for the pod there is none to add to.</summary>
    private static long? Memory(ContainerResources overhead, ContainerResources resources) =>
        resources.MemoryLimitInBytes > 0 ? resources.MemoryLimitInBytes + Math.Max(0, overhead.MemoryLimitInBytes) : null;

    private static string? Either(string first, string second) => first.Length > 0 ? first : second.Length > 0 ? second : null;
}
