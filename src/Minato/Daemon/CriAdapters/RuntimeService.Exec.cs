using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Streaming;

namespace Minato.Daemon.CriAdapters;

/// <summary>Exec: validates the request and answers with a single-use URL on the streaming server.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<ExecResponse> Exec(ExecRequest request, ServerCallContext context)
    {
        var url = Streaming().RemoteCommandUrl(new RemoteCommand(
            request.ContainerId, [.. request.Cmd], request.Tty, request.Stdin, request.Stdout, request.Stderr));
        return Task.FromResult(new ExecResponse { Url = url.ToString() });
    }
}
