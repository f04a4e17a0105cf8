using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Streaming;

namespace Minato.Daemon.CriAdapters;

/// <summary>Exec, Attach and PortForward: validate the request, answer with a URL on the streaming server.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<ExecResponse> Exec(ExecRequest request, ServerCallContext context)
    {
        var url = Streaming().RemoteCommandUrl(new RemoteCommand(
            request.ContainerId, [.. request.Cmd], request.Tty, request.Stdin, request.Stdout, request.Stderr));
        return Task.FromResult(new ExecResponse { Url = url.ToString() });
    }

    public override Task<AttachResponse> Attach(AttachRequest request, ServerCallContext context)
    {
        var url = Streaming().RemoteCommandUrl(new RemoteCommand(
            request.ContainerId, null, request.Tty, request.Stdin, request.Stdout, request.Stderr));
        return Task.FromResult(new AttachResponse { Url = url.ToString() });
    }

    public override Task<PortForwardResponse> PortForward(PortForwardRequest request, ServerCallContext context)
    {
        var url = Streaming().PortForwardUrl(new PortForwardTarget(request.PodSandboxId, [.. request.Port]));
        return Task.FromResult(new PortForwardResponse { Url = url.ToString() });
    }

    private StreamingRequestValidator Streaming() => streaming.IsAvailable
        ? streaming
        : throw new RpcException(new Status(StatusCode.Unimplemented, "exec, attach and port-forward are not available in this build"));
}
