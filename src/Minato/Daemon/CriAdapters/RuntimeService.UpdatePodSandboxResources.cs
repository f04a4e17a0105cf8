using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Cri.Pods;

namespace Minato.Daemon.CriAdapters;

/// <summary>UpdatePodSandboxResources: the kubelet's in-place pod resize, applied to the pod's own cgroup.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<UpdatePodSandboxResourcesResponse> UpdatePodSandboxResources(UpdatePodSandboxResourcesRequest request, ServerCallContext context)
    {
        RequireId(request.PodSandboxId, "pod_sandbox_id");

        // An absent message is "nothing set" for that part, as the CRI's 0 and empty fields are.
        var resources = new PodResources(
            request.Overhead is { } overhead ? ContainerConfigMapper.ToCore(overhead) : new(),
            request.Resources is { } own ? ContainerConfigMapper.ToCore(own) : new());
        await pods.UpdateResourcesAsync(request.PodSandboxId, resources, podCgroups, config.CgroupDriver, context.CancellationToken);
        return new UpdatePodSandboxResourcesResponse();
    }
}
