using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Report;
using Minato.Cri.Api.V1;

namespace Minato.Bench.Cri.Workloads;

/// <summary>Create, Start, Stop and Remove of a busybox container in one long-lived pod, each timed on its own, plus
/// Create+Start (what a pod's start waits for).</summary>
internal sealed class ContainerLifecycleWorkload : IWorkload
{
    private const string W = "container";
    private static readonly RowSpec Create = new(W, "CreateContainer", RowKind.Latency, "ms");
    private static readonly RowSpec Start = new(W, "StartContainer", RowKind.Latency, "ms");
    public static readonly RowSpec CreateStart = new(W, "Create+Start", RowKind.Latency, "ms");
    private static readonly RowSpec Stop = new(W, "StopContainer", RowKind.Latency, "ms");
    private static readonly RowSpec Remove = new(W, "RemoveContainer", RowKind.Latency, "ms");

    public string Name => W;

    public Task RunAsync(WorkloadContext context, CancellationToken cancellationToken) =>
        Interleaved.RunAsync(context, [Create, Start, CreateStart, Stop, Remove], context.Counts.LifecycleWarmup, context.Counts.ContainerCount,
            r => new ContainerTrial(r, context), cancellationToken);

    private sealed class ContainerTrial(BenchRuntime runtime, WorkloadContext context) : Trial(runtime)
    {
        private PodSandboxConfig _pod = null!;
        private string? _podId;

        public override async Task SetupAsync(CancellationToken cancellationToken)
        {
            await PodSpecs.EnsureImageAsync(Runtime, context.Images.Busybox, cancellationToken);
            _pod = PodSpecs.Pod(context, "container-lifecycle");
            _podId = await PodSpecs.RunPodAsync(Runtime, _pod, cancellationToken);
        }

        public override async Task<IReadOnlyList<Timing>> RunOnceAsync(int iteration, CancellationToken cancellationToken)
        {
            var config = PodSpecs.Container(context, $"c{iteration + 100}");
            var id = string.Empty;
            var create = await PodSpecs.TimeAsync(async () => id = await PodSpecs.CreateContainerAsync(Runtime, _podId!, _pod, config, cancellationToken));
            var start = await PodSpecs.TimeAsync(() => PodSpecs.StartContainerAsync(Runtime, id, cancellationToken));
            var stop = await PodSpecs.TimeAsync(async () => await Runtime.Runtime.StopContainerAsync(
                new StopContainerRequest { ContainerId = id, Timeout = 10 }, deadline: PodSpecs.Deadline(), cancellationToken: cancellationToken));
            var remove = await PodSpecs.TimeAsync(async () => await Runtime.Runtime.RemoveContainerAsync(
                new RemoveContainerRequest { ContainerId = id }, deadline: PodSpecs.Deadline(), cancellationToken: cancellationToken));
            return [new Timing(Create, create), new Timing(Start, start), new Timing(CreateStart, create + start), new Timing(Stop, stop), new Timing(Remove, remove)];
        }

        public override async Task TeardownAsync(CancellationToken cancellationToken)
        {
            if (_podId is not null)
            {
                await PodSpecs.RemovePodAsync(Runtime, _podId, cancellationToken);
            }
        }
    }
}
