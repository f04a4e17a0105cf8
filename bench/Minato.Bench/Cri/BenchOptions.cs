using Minato.Bench.Cri.Workloads;

namespace Minato.Bench.Cri;

/// <summary>What <c>minato-bench run</c> was asked to do.</summary>
internal sealed record BenchOptions
{
    /// <summary>Runtime names in report order; the ratio column is the first over the second.</summary>
    public IReadOnlyList<string> Runtimes { get; init; } = ["minato", "containerd"];

    public bool Quick { get; init; }

    public required string OutputDirectory { get; init; }

    /// <summary>A second copy of the Markdown report (for <c>bench/results/latest.md</c>), links rewritten to suit it.</summary>
    public string? LatestFile { get; init; }

    /// <summary>Endpoint of the first runtime; when set, no daemon is started for it.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Endpoint of the second runtime; when set, no daemon is started for it.</summary>
    public string? CompareEndpoint { get; init; }

    public required string MinatoExecutable { get; init; }

    public required string ContainerdExecutable { get; init; }

    public int Seed { get; init; }

    /// <summary>Workload names to run (all when empty).</summary>
    public IReadOnlySet<string> Workloads { get; init; } = new HashSet<string>();

    public TimeSpan Timeout { get; init; }

    /// <summary>Leave the temp dir (daemon logs, configs) in place after the run, for a runtime that misbehaved.</summary>
    public bool KeepWorkDirectory { get; init; }

    public BenchCounts Counts => Quick ? BenchCounts.Quick : new BenchCounts();
}
