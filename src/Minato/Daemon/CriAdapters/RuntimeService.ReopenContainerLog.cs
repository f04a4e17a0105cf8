using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>ReopenContainerLog: the log file is reopened after the kubelet rotated it.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<ReopenContainerLogResponse> ReopenContainerLog(ReopenContainerLogRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");
        await containers.ReopenLogAsync(request.ContainerId, context.CancellationToken);
        return new ReopenContainerLogResponse();
    }
}
