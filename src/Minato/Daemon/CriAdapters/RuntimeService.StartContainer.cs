using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>StartContainer: runs a created container's process.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<StartContainerResponse> StartContainer(StartContainerRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");
        await containers.StartAsync(request.ContainerId, context.CancellationToken);
        return new StartContainerResponse();
    }
}
