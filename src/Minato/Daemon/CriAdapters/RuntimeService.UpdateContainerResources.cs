using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>UpdateContainerResources: new CPU, memory and cgroup limits for a container.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<UpdateContainerResourcesResponse> UpdateContainerResources(UpdateContainerResourcesRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");

        // Only Linux resources apply here; a request with none changes nothing.
        if (request.Linux is { } linux)
        {
            await containers.UpdateResourcesAsync(request.ContainerId, ContainerConfigMapper.ToCore(linux), context.CancellationToken);
        }
        else
        {
            containers.Get(request.ContainerId);
        }

        return new UpdateContainerResourcesResponse();
    }
}
