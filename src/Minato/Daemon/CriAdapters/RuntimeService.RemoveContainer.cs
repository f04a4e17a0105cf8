using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>RemoveContainer: removes a container and its files, killing it first if it still runs.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<RemoveContainerResponse> RemoveContainer(RemoveContainerRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");

        // CRI: idempotent, and a running container is removed forcibly.
        await containers.RemoveAsync(request.ContainerId, context.CancellationToken);
        return new RemoveContainerResponse();
    }
}
