using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>StopContainer: the stop signal, then SIGKILL after the timeout.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<StopContainerResponse> StopContainer(StopContainerRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");

        // CRI: idempotent; a negative timeout means none.
        await containers.StopAsync(request.ContainerId, TimeSpan.FromSeconds(Math.Max(0, request.Timeout)), context.CancellationToken);
        return new StopContainerResponse();
    }
}
