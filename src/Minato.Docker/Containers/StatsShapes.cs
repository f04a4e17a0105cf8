using System.Text.Json.Serialization;

namespace Minato.Docker.Containers;

/// <summary>One frame of <c>GET /containers/{id}/stats</c>, in Docker's snake_case shape.</summary>
public sealed record StatsResponse
{
    public required string Name { get; init; }

    public required string Id { get; init; }

    /// <summary>When this reading was taken (<c>0001-01-01T00:00:00Z</c> for a container that does not run).</summary>
    public DateTimeOffset Read { get; init; }

    /// <summary>When <see cref="PrecpuStats"/> was taken.</summary>
    public DateTimeOffset Preread { get; init; }

    public PidsStats PidsStats { get; init; } = new();

    public BlkioStats BlkioStats { get; init; } = new();

    public ulong NumProcs { get; init; }

    public Dictionary<string, object> StorageStats { get; init; } = [];

    public CpuStats CpuStats { get; init; } = new();

    public CpuStats PrecpuStats { get; init; } = new();

    public MemoryStats MemoryStats { get; init; } = new();

    /// <summary>Per interface of its network namespace; absent without a network.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, NetworkStats>? Networks { get; init; }
}

/// <summary><c>pids_stats</c>: tasks now, and the limit when one is set.</summary>
public sealed record PidsStats
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Current { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Limit { get; init; }
}

/// <summary><c>blkio_stats</c>: dockerd fills only the bytes per device and operation (null lists otherwise).</summary>
public sealed record BlkioStats
{
    public List<BlkioEntry>? IoServiceBytesRecursive { get; init; }

    public List<BlkioEntry>? IoServicedRecursive { get; init; }

    public List<BlkioEntry>? IoQueueRecursive { get; init; }

    public List<BlkioEntry>? IoServiceTimeRecursive { get; init; }

    public List<BlkioEntry>? IoWaitTimeRecursive { get; init; }

    public List<BlkioEntry>? IoMergedRecursive { get; init; }

    public List<BlkioEntry>? IoTimeRecursive { get; init; }

    public List<BlkioEntry>? SectorsRecursive { get; init; }
}

/// <summary>One block device counter (<c>op</c> is <c>Read</c>/<c>Write</c> on v1, <c>read</c>/<c>write</c> on v2).</summary>
public sealed record BlkioEntry(ulong Major, ulong Minor, string Op, ulong Value);

/// <summary><c>cpu_stats</c> (and <c>precpu_stats</c>, the reading before).</summary>
public sealed record CpuStats
{
    public CpuUsage CpuUsage { get; init; } = new();

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong SystemCpuUsage { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int OnlineCpus { get; init; }

    public ThrottlingData ThrottlingData { get; init; } = new();
}

/// <summary><c>cpu_usage</c>: nanoseconds in total, per CPU (v1 only) and by mode.</summary>
public sealed record CpuUsage
{
    public ulong TotalUsage { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ulong>? PercpuUsage { get; init; }

    public ulong UsageInKernelmode { get; init; }

    public ulong UsageInUsermode { get; init; }
}

/// <summary><c>throttling_data</c>: CFS periods, throttled periods, throttled nanoseconds.</summary>
public sealed record ThrottlingData
{
    public ulong Periods { get; init; }

    public ulong ThrottledPeriods { get; init; }

    public ulong ThrottledTime { get; init; }
}

/// <summary><c>memory_stats</c>: usage, the raw <c>memory.stat</c> of the cgroup version, and the limit (the host's
/// memory when none is set).</summary>
public sealed record MemoryStats
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Usage { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong MaxUsage { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, ulong>? Stats { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Failcnt { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Limit { get; init; }
}

/// <summary>One interface's counters in <c>networks</c>.</summary>
public sealed record NetworkStats(
    ulong RxBytes, ulong RxPackets, ulong RxErrors, ulong RxDropped, ulong TxBytes, ulong TxPackets, ulong TxErrors, ulong TxDropped);

/// <summary>Source-generated JSON for the stats frames: Docker's snake_case names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StatsResponse))]
public sealed partial class StatsJson : JsonSerializerContext;
