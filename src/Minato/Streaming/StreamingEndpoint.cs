using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Minato.Cri.Streaming;
using Minato.Streaming.Spdy;
using Minato.Streaming.WebSockets;

namespace Minato.Streaming;

/// <summary>One accepted streaming request: protocol negotiation, then the session in the chosen protocol.</summary>
internal sealed class StreamingEndpoint(IContainerStreams core, StreamingOptions options, ILogger logger)
{
    private const string ProtocolHeader = "X-Stream-Protocol-Version";

    public async Task ServeSpdyAsync(HttpContext context, StreamingRequest request)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true } ||
            !string.Equals(context.Request.Headers.Upgrade.ToString(), "SPDY/3.1", StringComparison.OrdinalIgnoreCase))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "expected an upgrade to SPDY/3.1 or a WebSocket");
            return;
        }

        var supported = request is PortForwardTarget ? [SpdyPortForward.Protocol] : SpdyRemoteCommand.Protocols;
        var offered = context.Request.Headers[ProtocolHeader]
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        var protocol = supported.FirstOrDefault(offered.Contains);
        if (protocol is null && offered.Count > 0)
        {
            context.Response.Headers["X-Accepted-Stream-Protocol-Versions"] = string.Join(", ", supported);
            await RefuseAsync(context, StatusCodes.Status403Forbidden, $"none of the offered protocols {string.Join(", ", offered)} is supported");
            return;
        }

        context.Response.Headers.Upgrade = "SPDY/3.1";
        if (protocol is not null)
        {
            context.Response.Headers[ProtocolHeader] = protocol;
        }

        await using var connection = new SpdyConnection(await upgrade.UpgradeAsync(), options.IdleTimeout);
        var reading = connection.RunAsync(context.RequestAborted);
        if (request is RemoteCommand command)
        {
            await SpdyRemoteCommand.ServeAsync(connection, protocol ?? "", command, core, options, logger, context.RequestAborted);
        }
        else
        {
            await SpdyPortForward.ServeAsync(connection, (PortForwardTarget)request, core, options, logger, context.RequestAborted);
        }

        await connection.GoAwayAsync();
        await connection.DisposeAsync();
        await reading;
        StreamingLog.SessionEnded(logger, request is RemoteCommand ? "exec/attach" : "port-forward", protocol ?? "channel.k8s.io", connection.Failure ?? "closed");
    }

    public Task ServeWebSocketAsync(HttpContext context, StreamingRequest request) =>
        request is RemoteCommand command
            ? WebSocketRemoteCommand.ServeAsync(context, command, core, options.IdleTimeout, logger)
            : WebSocketPortForward.ServeAsync(context, (PortForwardTarget)request, core, options.IdleTimeout, logger);

    private async Task RefuseAsync(HttpContext context, int status, string message)
    {
        StreamingLog.Refused(logger, message);
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(message, context.RequestAborted);
    }
}
