using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>StreamContainerStats: ListContainerStats' stats, same filter; each chunk's cgroups are read when it is sent.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task StreamContainerStats(StreamContainerStatsRequest request, IServerStreamWriter<StreamContainerStatsResponse> responseStream, ServerCallContext context) =>
        ListChunks.WriteAsync(
            containers.List(ContainerMapper.ToFilter(request.Filter)),
            config.ListStreamChunkSize,
            chunk => new StreamContainerStatsResponse
            {
                ContainerStats = { chunk.Select(c => StatsMapper.ToProto(containers.Usage(c), LayerMountpoint)) },
            },
            responseStream,
            context.CancellationToken);
}
