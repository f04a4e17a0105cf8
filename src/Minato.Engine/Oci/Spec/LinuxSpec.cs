using System.Text.Json.Serialization;

namespace Minato.Engine.Oci.Spec;

/// <summary>The <c>linux</c> object: namespaces, devices, cgroup, seccomp and path hiding.</summary>
public sealed record LinuxSpec
{
    public IReadOnlyList<LinuxNamespace>? Namespaces { get; init; }

    public IReadOnlyList<LinuxIdMapping>? UidMappings { get; init; }

    public IReadOnlyList<LinuxIdMapping>? GidMappings { get; init; }

    public IReadOnlyList<LinuxDevice>? Devices { get; init; }

    public string? CgroupsPath { get; init; }

    public LinuxResources? Resources { get; init; }

    public IReadOnlyDictionary<string, string>? Sysctl { get; init; }

    public LinuxSeccomp? Seccomp { get; init; }

    public string? RootfsPropagation { get; init; }

    public IReadOnlyList<string>? MaskedPaths { get; init; }

    public IReadOnlyList<string>? ReadonlyPaths { get; init; }

    public LinuxIntelRdt? IntelRdt { get; init; }
}

/// <summary>Intel RDT (resctrl) class of service and schemata for the container.</summary>
public sealed record LinuxIntelRdt
{
    [JsonPropertyName("closID")]
    public string? ClosId { get; init; }

    public string? L3CacheSchema { get; init; }

    public string? MemBwSchema { get; init; }

    [JsonPropertyName("enableCMT")]
    public bool? EnableCmt { get; init; }

    [JsonPropertyName("enableMBM")]
    public bool? EnableMbm { get; init; }
}

/// <summary>A namespace to create (no path) or join (path to an nsfs file).</summary>
public sealed record LinuxNamespace(string Type, string? Path = null);

/// <summary>A user-namespace id range.</summary>
public sealed record LinuxIdMapping(uint ContainerId, uint HostId, uint Size);

/// <summary>A device node the runtime creates in the container's <c>/dev</c>.</summary>
public sealed record LinuxDevice
{
    /// <summary>The container path.</summary>
    public required string Path { get; init; }

    /// <summary><c>c</c>, <c>b</c>, <c>u</c> or <c>p</c>.</summary>
    public required string Type { get; init; }

    public long Major { get; init; }

    public long Minor { get; init; }

    public uint? FileMode { get; init; }

    public uint? Uid { get; init; }

    public uint? Gid { get; init; }
}

/// <summary>Cgroup limits of the container.</summary>
public sealed record LinuxResources
{
    public IReadOnlyList<LinuxDeviceCgroup>? Devices { get; init; }

    public LinuxMemory? Memory { get; init; }

    public LinuxCpu? Cpu { get; init; }

    public LinuxPids? Pids { get; init; }

    public IReadOnlyList<LinuxHugepageLimit>? HugepageLimits { get; init; }

    /// <summary>cgroup v2 files written as given (v2 only).</summary>
    public IReadOnlyDictionary<string, string>? Unified { get; init; }
}

/// <summary>One device cgroup rule; <c>null</c> type, major or minor means "any".</summary>
public sealed record LinuxDeviceCgroup(bool Allow, string? Type = null, long? Major = null, long? Minor = null, string? Access = null);

/// <summary>Memory limits in bytes; <see cref="Swap"/> is memory plus swap, -1 for unlimited.</summary>
public sealed record LinuxMemory
{
    public long? Limit { get; init; }

    public long? Reservation { get; init; }

    public long? Swap { get; init; }

    public ulong? Swappiness { get; init; }

    [JsonPropertyName("disableOOMKiller")]
    public bool? DisableOomKiller { get; init; }
}

/// <summary>CPU shares, CFS quota and period, and the cpuset.</summary>
public sealed record LinuxCpu
{
    public ulong? Shares { get; init; }

    public long? Quota { get; init; }

    public ulong? Period { get; init; }

    public string? Cpus { get; init; }

    public string? Mems { get; init; }
}

/// <summary>The pids controller limit.</summary>
public sealed record LinuxPids(long Limit);

/// <summary>A hugetlb limit: page size such as <c>2MB</c> and bytes.</summary>
public sealed record LinuxHugepageLimit(string PageSize, ulong Limit);
