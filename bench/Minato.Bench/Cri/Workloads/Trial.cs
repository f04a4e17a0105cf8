using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Report;

namespace Minato.Bench.Cri.Workloads;

/// <summary>A row a workload fills: where it goes in the report and how it is read.</summary>
internal sealed record RowSpec(string Workload, string Name, RowKind Kind, string Unit);

/// <summary>One measured value of one row from one iteration.</summary>
internal readonly record struct Timing(RowSpec Row, double Value);

/// <summary>One runtime's side of a workload: set up once, run once per iteration (warm-up included), torn down at the end.
/// Only what <see cref="RunOnceAsync"/> times is measured; its own untimed cleanup belongs inside it, after the clock stops.</summary>
internal abstract class Trial(BenchRuntime runtime)
{
    protected BenchRuntime Runtime { get; } = runtime;

    public virtual Task SetupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract Task<IReadOnlyList<Timing>> RunOnceAsync(int iteration, CancellationToken cancellationToken);

    /// <summary>Removes what <see cref="SetupAsync"/> made; runs even after a failed setup or iteration.</summary>
    public virtual Task TeardownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
