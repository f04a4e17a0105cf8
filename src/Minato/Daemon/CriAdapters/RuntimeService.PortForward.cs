using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Streaming;

namespace Minato.Daemon.CriAdapters;

/// <summary>PortForward: validates the request and answers with a single-use URL on the streaming server.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<PortForwardResponse> PortForward(PortForwardRequest request, ServerCallContext context)
    {
        var url = Streaming().PortForwardUrl(new PortForwardTarget(request.PodSandboxId, [.. request.Port]));
        return Task.FromResult(new PortForwardResponse { Url = url.ToString() });
    }
}
