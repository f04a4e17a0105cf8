using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>StreamPodSandboxStats: ListPodSandboxStats' stats, same filter; each chunk of pods is read when it is sent.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task StreamPodSandboxStats(StreamPodSandboxStatsRequest request, IServerStreamWriter<StreamPodSandboxStatsResponse> responseStream, ServerCallContext context) =>
        ListChunks.WriteAsync(
            pods.List(PodSandboxMapper.ToFilter(request.Filter)),
            config.ListStreamChunkSize,
            async (chunk, cancellationToken) => new StreamPodSandboxStatsResponse
            {
                PodSandboxStats = { (await podStats.ReadAsync(chunk, cancellationToken)).Select(u => StatsMapper.ToProto(u, LayerMountpoint)) },
            },
            responseStream,
            context.CancellationToken);
}
