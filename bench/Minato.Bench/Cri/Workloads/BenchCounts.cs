namespace Minato.Bench.Cri.Workloads;

/// <summary>How many iterations (and warm-up iterations) each workload runs, and the sizes of its fixtures.</summary>
internal sealed record BenchCounts
{
    public int VersionCount { get; init; } = 500;

    public int VersionWarmup { get; init; } = 50;

    public int PodCount { get; init; } = 50;

    public int ContainerCount { get; init; } = 50;

    public int LifecycleWarmup { get; init; } = 3;

    public int SequentialPods { get; init; } = 20;

    public int ParallelPods { get; init; } = 100;

    public int Parallelism { get; init; } = 10;

    public int ParallelBatches { get; init; } = 3;

    /// <summary>Running containers during the listing workload: <see cref="ListingPods"/> pods of equal share.</summary>
    public int ListingContainers { get; init; } = 100;

    public int ListingPods { get; init; } = 10;

    public int ListingCount { get; init; } = 100;

    public int PullCount { get; init; } = 5;

    public int PullWarmup { get; init; } = 1;

    public long PullBytes { get; init; } = 200L << 20;

    public int PullLayers { get; init; } = 6;

    /// <summary>Pods started for the per-pod memory figure.</summary>
    public int MemoryPods { get; init; } = 20;

    /// <summary>A smoke run: every workload and row, a few iterations each.</summary>
    public static BenchCounts Quick { get; } = new()
    {
        VersionCount = 20,
        VersionWarmup = 2,
        PodCount = 3,
        ContainerCount = 3,
        LifecycleWarmup = 1,
        SequentialPods = 3,
        ParallelPods = 6,
        Parallelism = 3,
        ParallelBatches = 1,
        ListingContainers = 6,
        ListingPods = 2,
        ListingCount = 5,
        PullCount = 1,
        PullWarmup = 0,
        PullBytes = 8L << 20,
        PullLayers = 2,
        MemoryPods = 2,
    };

    public IReadOnlyDictionary<string, string> Describe() => new Dictionary<string, string>
    {
        ["version"] = $"{VersionCount} calls after {VersionWarmup} warm-up",
        ["pod lifecycle"] = $"{PodCount} pods after {LifecycleWarmup} warm-up",
        ["container lifecycle"] = $"{ContainerCount} containers in one pod after {LifecycleWarmup} warm-up",
        ["end to end"] = $"{SequentialPods} sequential; {ParallelPods} with {Parallelism} in parallel x{ParallelBatches}",
        ["listing"] = $"{ListingCount} calls with {ListingContainers} running containers in {ListingPods} pods",
        ["pull"] = $"{PullCount} cold pulls after {PullWarmup} warm-up; busybox + {PullLayers} layers holding {PullBytes >> 20} MiB of generated files in all (about 2:1 compressible)",
        ["memory"] = $"{MemoryPods} pods",
    };
}
