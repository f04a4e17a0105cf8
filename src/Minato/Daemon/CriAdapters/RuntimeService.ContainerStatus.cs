using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Cri.Containers;

namespace Minato.Daemon.CriAdapters;

/// <summary>ContainerStatus: one container's state and exit, and with verbose where its pieces are on the host.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<ContainerStatusResponse> ContainerStatus(ContainerStatusRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");
        var record = containers.Get(request.ContainerId);
        var response = new ContainerStatusResponse { Status = ContainerMapper.ToStatus(record) };
        if (request.Verbose)
        {
            response.Info.Add("info", ContainerVerboseInfo.Json(record));
        }

        return Task.FromResult(response);
    }
}
