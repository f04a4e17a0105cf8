using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>StopPodSandbox: stops the pod's containers and tears down its network.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<StopPodSandboxResponse> StopPodSandbox(StopPodSandboxRequest request, ServerCallContext context)
    {
        RequireId(request.PodSandboxId, "pod_sandbox_id");

        // CRI: idempotent; an unknown sandbox was already stopped and removed.
        await pods.StopAsync(request.PodSandboxId, context.CancellationToken);
        return new StopPodSandboxResponse();
    }
}
