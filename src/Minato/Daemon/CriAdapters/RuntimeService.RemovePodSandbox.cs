using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>RemovePodSandbox: removes the pod, its containers and its files.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<RemovePodSandboxResponse> RemovePodSandbox(RemovePodSandboxRequest request, ServerCallContext context)
    {
        RequireId(request.PodSandboxId, "pod_sandbox_id");

        // CRI: idempotent; removing an unknown sandbox succeeds.
        await pods.RemoveAsync(request.PodSandboxId, context.CancellationToken);
        return new RemovePodSandboxResponse();
    }
}
