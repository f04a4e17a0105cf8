using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Measure;
using Minato.Bench.Cri.Report;
using Minato.Cri.Api.V1;

namespace Minato.Bench.Cri.Workloads;

/// <summary>ListContainers and ListContainerStats with many running containers (the kubelet calls both every few seconds),
/// and the daemon's resident memory while they run.</summary>
internal sealed class ListingWorkload : IWorkload
{
    public string Name => "list";

    public static string StatsRowName(int containers) => $"ListContainerStats ({containers} running)";

    public Task RunAsync(WorkloadContext context, CancellationToken cancellationToken)
    {
        var n = context.Counts.ListingContainers;
        var rows = new Rows(
            new RowSpec("list", $"ListContainers ({n} running)", RowKind.Latency, "ms"),
            new RowSpec("list", StatsRowName(n), RowKind.Latency, "ms"),
            new RowSpec("memory", $"daemon RSS, {n} running containers", RowKind.Total, "MiB"));
        return Interleaved.RunAsync(context, [rows.List, rows.Stats, rows.Rss], 1, context.Counts.ListingCount,
            r => new ListingTrial(r, context, rows), cancellationToken);
    }

    private sealed record Rows(RowSpec List, RowSpec Stats, RowSpec Rss);

    private sealed class ListingTrial(BenchRuntime runtime, WorkloadContext context, Rows rows) : Trial(runtime)
    {
        private readonly List<string> _pods = [];
        private int _daemonPid;

        public override async Task SetupAsync(CancellationToken cancellationToken)
        {
            var counts = context.Counts;
            await PodSpecs.EnsureImageAsync(Runtime, context.Images.Busybox, cancellationToken);
            var perPod = counts.ListingContainers / counts.ListingPods;
            await Parallel.ForEachAsync(Enumerable.Range(0, counts.ListingPods),
                new ParallelOptions { MaxDegreeOfParallelism = counts.Parallelism, CancellationToken = cancellationToken }, async (p, ct) =>
                {
                    var pod = PodSpecs.Pod(context, $"list-{p}");
                    var podId = await PodSpecs.RunPodAsync(Runtime, pod, ct);
                    lock (_pods)
                    {
                        _pods.Add(podId);
                    }

                    for (var c = 0; c < perPod; c++)
                    {
                        var id = await PodSpecs.CreateContainerAsync(Runtime, podId, pod, PodSpecs.Container(context, $"c{c}"), ct);
                        await PodSpecs.StartContainerAsync(Runtime, id, ct);
                    }
                });
            _daemonPid = Runtime.DaemonPid;
        }

        public override async Task<IReadOnlyList<Timing>> RunOnceAsync(int iteration, CancellationToken cancellationToken)
        {
            var running = 0;
            var list = await PodSpecs.TimeAsync(async () => running = (await Runtime.Runtime.ListContainersAsync(new ListContainersRequest
            {
                Filter = new ContainerFilter { State = new ContainerStateValue { State = ContainerState.ContainerRunning } },
            }, deadline: PodSpecs.Deadline(), cancellationToken: cancellationToken)).Containers.Count);
            var stats = 0;
            var listStats = await PodSpecs.TimeAsync(async () => stats = (await Runtime.Runtime.ListContainerStatsAsync(new ListContainerStatsRequest(),
                deadline: PodSpecs.Deadline(), cancellationToken: cancellationToken)).Stats.Count);
            var expected = context.Counts.ListingContainers / context.Counts.ListingPods * context.Counts.ListingPods;
            if (running < expected || stats < expected)
            {
                throw new InvalidOperationException($"expected {expected} running containers, ListContainers saw {running} and ListContainerStats {stats}");
            }

            return [new Timing(rows.List, list), new Timing(rows.Stats, listStats), new Timing(rows.Rss, ProcessMemory.Rss(_daemonPid) / 1048576.0)];
        }

        public override async Task TeardownAsync(CancellationToken cancellationToken)
        {
            await Parallel.ForEachAsync(_pods, new ParallelOptions { MaxDegreeOfParallelism = context.Counts.Parallelism, CancellationToken = cancellationToken },
                async (id, ct) => await PodSpecs.RemovePodAsync(Runtime, id, ct));
        }
    }
}
