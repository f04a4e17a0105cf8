using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Report;
using Minato.Cri.Api.V1;

namespace Minato.Bench.Cri.Workloads;

/// <summary>RunPodSandbox, StopPodSandbox and RemovePodSandbox of an empty pod, each timed on its own.</summary>
internal sealed class PodLifecycleWorkload : IWorkload
{
    public static readonly RowSpec Run = new("pod", "RunPodSandbox", RowKind.Latency, "ms");
    private static readonly RowSpec Stop = new("pod", "StopPodSandbox", RowKind.Latency, "ms");
    private static readonly RowSpec Remove = new("pod", "RemovePodSandbox", RowKind.Latency, "ms");

    public string Name => "pod";

    public Task RunAsync(WorkloadContext context, CancellationToken cancellationToken) =>
        Interleaved.RunAsync(context, [Run, Stop, Remove], context.Counts.LifecycleWarmup, context.Counts.PodCount,
            r => new PodTrial(r, context), cancellationToken);

    private sealed class PodTrial(BenchRuntime runtime, WorkloadContext context) : Trial(runtime)
    {
        public override async Task<IReadOnlyList<Timing>> RunOnceAsync(int iteration, CancellationToken cancellationToken)
        {
            var config = PodSpecs.Pod(context, $"pod-{iteration + 100}");
            var id = string.Empty;
            var run = await PodSpecs.TimeAsync(async () => id = await PodSpecs.RunPodAsync(Runtime, config, cancellationToken));
            var stop = await PodSpecs.TimeAsync(async () => await Runtime.Runtime.StopPodSandboxAsync(
                new StopPodSandboxRequest { PodSandboxId = id }, deadline: PodSpecs.Deadline(), cancellationToken: cancellationToken));
            var remove = await PodSpecs.TimeAsync(async () => await Runtime.Runtime.RemovePodSandboxAsync(
                new RemovePodSandboxRequest { PodSandboxId = id }, deadline: PodSpecs.Deadline(), cancellationToken: cancellationToken));
            return [new Timing(Run, run), new Timing(Stop, stop), new Timing(Remove, remove)];
        }
    }
}
