using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Streaming;

namespace Minato.Daemon.CriAdapters;

/// <summary>Attach: validates the request and answers with a single-use URL on the streaming server.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<AttachResponse> Attach(AttachRequest request, ServerCallContext context)
    {
        // No command: the session joins the container's own process.
        var url = Streaming().RemoteCommandUrl(new RemoteCommand(
            request.ContainerId, null, request.Tty, request.Stdin, request.Stdout, request.Stderr));
        return Task.FromResult(new AttachResponse { Url = url.ToString() });
    }
}
