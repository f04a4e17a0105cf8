using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Report;

namespace Minato.Bench.Cri.Workloads;

/// <summary>What every workload gets: the runtimes, the images, the counts, where results and progress go.</summary>
internal sealed class WorkloadContext
{
    public required IReadOnlyList<BenchRuntime> Runtimes { get; init; }

    public required BenchImages Images { get; init; }

    public required BenchCounts Counts { get; init; }

    public required BenchResults Results { get; init; }

    public required Progress Progress { get; init; }

    /// <summary>Seeded, so the interleaving of a run can be repeated.</summary>
    public required Random Random { get; init; }

    /// <summary>Where pods' log directories go.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>Labels every pod of this run, so leftovers are found and removed.</summary>
    public required string RunId { get; init; }
}

/// <summary>One benchmark: sets up what it needs on each runtime, measures, adds its rows, and cleans up.</summary>
internal interface IWorkload
{
    /// <summary>Short name, used as the report's workload column and the plot file name.</summary>
    string Name { get; }

    Task RunAsync(WorkloadContext context, CancellationToken cancellationToken);
}
