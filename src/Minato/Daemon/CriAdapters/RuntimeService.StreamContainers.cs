using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>StreamContainers: ListContainers' containers, same filter, in messages of a bounded number of containers.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task StreamContainers(StreamContainersRequest request, IServerStreamWriter<StreamContainersResponse> responseStream, ServerCallContext context) =>
        ListChunks.WriteAsync(
            containers.List(ContainerMapper.ToFilter(request.Filter)),
            config.ListStreamChunkSize,
            chunk => new StreamContainersResponse { Containers = { chunk.Select(ContainerMapper.ToListItem) } },
            responseStream,
            context.CancellationToken);
}
