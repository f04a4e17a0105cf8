using System.Collections.Concurrent;
using System.Diagnostics;
using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Report;

namespace Minato.Bench.Cri.Workloads;

/// <summary>A pod with one started container, as the kubelet starts the simplest pod: one after another, and a batch with
/// several in flight at once (what a node sees when a deployment scales up).</summary>
internal sealed class EndToEndWorkload : IWorkload
{
    private const string W = "e2e";
    public static readonly RowSpec Sequential = new(W, "pod + container, sequential", RowKind.Latency, "ms");

    public string Name => W;

    public async Task RunAsync(WorkloadContext context, CancellationToken cancellationToken)
    {
        var counts = context.Counts;
        await Interleaved.RunAsync(context, [Sequential], counts.LifecycleWarmup, counts.SequentialPods, r => new SequentialTrial(r, context), cancellationToken);

        var each = new RowSpec(W, $"pod + container, {counts.Parallelism} in parallel (each)", RowKind.Latency, "ms");
        var total = new RowSpec(W, $"{counts.ParallelPods} pods + containers, {counts.Parallelism} in parallel (total)", RowKind.Total, "ms");
        await Interleaved.RunAsync(context, [each, total], 0, counts.ParallelBatches, r => new ParallelTrial(r, context, each, total), cancellationToken);
    }

    private sealed class SequentialTrial(BenchRuntime runtime, WorkloadContext context) : Trial(runtime)
    {
        public override Task SetupAsync(CancellationToken cancellationToken) => PodSpecs.EnsureImageAsync(Runtime, context.Images.Busybox, cancellationToken);

        public override async Task<IReadOnlyList<Timing>> RunOnceAsync(int iteration, CancellationToken cancellationToken)
        {
            var podId = string.Empty;
            var ms = await PodSpecs.TimeAsync(async () => podId = await PodSpecs.RunPodWithContainerAsync(context, Runtime, $"e2e-{iteration + 100}", cancellationToken));
            await PodSpecs.RemovePodAsync(Runtime, podId, cancellationToken);
            return [new Timing(Sequential, ms)];
        }
    }

    private sealed class ParallelTrial(BenchRuntime runtime, WorkloadContext context, RowSpec each, RowSpec total) : Trial(runtime)
    {
        public override Task SetupAsync(CancellationToken cancellationToken) => PodSpecs.EnsureImageAsync(Runtime, context.Images.Busybox, cancellationToken);

        public override async Task<IReadOnlyList<Timing>> RunOnceAsync(int iteration, CancellationToken cancellationToken)
        {
            var counts = context.Counts;
            var pods = new ConcurrentBag<string>();
            var timings = new ConcurrentBag<Timing>();
            var clock = Stopwatch.StartNew();
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, counts.ParallelPods),
                    new ParallelOptions { MaxDegreeOfParallelism = counts.Parallelism, CancellationToken = cancellationToken },
                    async (i, ct) =>
                    {
                        var ms = await PodSpecs.TimeAsync(async () => pods.Add(await PodSpecs.RunPodWithContainerAsync(context, Runtime, $"par-{i}", ct)));
                        timings.Add(new Timing(each, ms));
                    });
                timings.Add(new Timing(total, clock.Elapsed.TotalMilliseconds));
            }
            finally
            {
                await Parallel.ForEachAsync(pods, new ParallelOptions { MaxDegreeOfParallelism = counts.Parallelism, CancellationToken = cancellationToken },
                    async (id, ct) => await PodSpecs.RemovePodAsync(Runtime, id, ct));
            }

            return [.. timings];
        }
    }
}
