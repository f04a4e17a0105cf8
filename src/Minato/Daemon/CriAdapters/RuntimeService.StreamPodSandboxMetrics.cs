using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Cri.Stats;

namespace Minato.Daemon.CriAdapters;

/// <summary>StreamPodSandboxMetrics: ListPodSandboxMetrics' samples of every pod, each chunk of pods read when it is sent.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task StreamPodSandboxMetrics(StreamPodSandboxMetricsRequest request, IServerStreamWriter<StreamPodSandboxMetricsResponse> responseStream, ServerCallContext context) =>
        ListChunks.WriteAsync(
            pods.List(PodSandboxMapper.AllPods),
            config.ListStreamChunkSize,
            async (chunk, cancellationToken) => new StreamPodSandboxMetricsResponse
            {
                PodSandboxMetrics = { (await podStats.ReadAsync(chunk, cancellationToken)).Select(u => MetricMapper.ToProto(CadvisorMetrics.ForPod(u))) },
            },
            responseStream,
            context.CancellationToken);
}
