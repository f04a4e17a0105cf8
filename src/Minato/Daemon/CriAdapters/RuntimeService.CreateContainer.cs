using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>CreateContainer: a container in a pod, created but not started.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<CreateContainerResponse> CreateContainer(CreateContainerRequest request, ServerCallContext context)
    {
        RequireId(request.PodSandboxId, "pod_sandbox_id");
        if (request.Config is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "config is required"));
        }

        var config = ContainerConfigMapper.ToCore(request.Config, request.SandboxConfig);
        var record = await containers.CreateAsync(request.PodSandboxId, config, context.CancellationToken);
        return new CreateContainerResponse { ContainerId = record.Id };
    }
}
