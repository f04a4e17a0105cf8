using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Cri.Pods;
using Minato.Engine;

namespace Minato.Daemon.CriAdapters;

/// <summary>PodSandboxStatus: one pod's state, network and namespaces, and with verbose where it lives on the node.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<PodSandboxStatusResponse> PodSandboxStatus(PodSandboxStatusRequest request, ServerCallContext context)
    {
        RequireId(request.PodSandboxId, "pod_sandbox_id");
        var sandbox = pods.Get(request.PodSandboxId);
        var response = new PodSandboxStatusResponse
        {
            Status = PodSandboxMapper.ToStatus(sandbox),
            Timestamp = time.UnixNanoseconds(),
        };
        if (request.Verbose)
        {
            response.Info.Add("info", PodSandboxVerboseInfo.Json(sandbox));
        }

        return Task.FromResult(response);
    }
}
