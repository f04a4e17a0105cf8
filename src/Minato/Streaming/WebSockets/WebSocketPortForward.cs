using System.Buffers.Binary;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Minato.Cri.Streaming;

namespace Minato.Streaming.WebSockets;

/// <summary>Port-forward over WebSocket, as the kubelet serves it: the ports come from the <c>port</c> query
/// parameters; port i gets data channel 2i and error channel 2i+1, and each channel's first message from the
/// server is the port as two little-endian bytes.</summary>
internal static class WebSocketPortForward
{
    /// <summary>Subprotocols in the server's order of preference.</summary>
    public static readonly IReadOnlyList<string> Protocols = ["v4.channel.k8s.io", "v4.base64.channel.k8s.io", "portforward.k8s.io"];

    public static async Task ServeAsync(HttpContext context, PortForwardTarget target, IContainerStreams core, TimeSpan idleTimeout, ILogger logger)
    {
        var ports = ParsePorts(context.Request.Query["port"], target);
        var requested = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = Protocols.FirstOrDefault(requested.Contains);
        if (ports is null || (protocol is null && requested.Count > 0))
        {
            StreamingLog.Refused(logger, "port-forward WebSocket without valid ports or a supported subprotocol");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("query parameter 'port' (1-65535, as requested) and a supported subprotocol are required", context.RequestAborted);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        using var channels = new WebSocketChannels(socket, protocol?.Contains("base64", StringComparison.Ordinal) ?? false, idleTimeout);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);

        // Idleness ends the forwards but not the receive loop, so the client still gets a close handshake.
        using var forwarding = CancellationTokenSource.CreateLinkedTokenSource(session.Token, channels.Idle);
        var inbound = ports.Select(_ => new Pipe()).ToArray();
        try
        {
            var prefix = new byte[2];
            for (var i = 0; i < ports.Count; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(prefix, (ushort)ports[i]);
                await channels.SendAsync((byte)(2 * i), prefix, session.Token);
                await channels.SendAsync((byte)((2 * i) + 1), prefix, session.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            return;
        }

        var receiving = ReceiveAsync(channels, inbound, session);
        await Task.WhenAll(ports.Select((port, i) => ForwardAsync(channels, inbound[i], i, port, target, core, logger, forwarding.Token)));
        await channels.CloseAsync();
        await WebSocketChannels.AwaitClientCloseAsync(receiving);
        await session.CancelAsync();
        await receiving;
        StreamingLog.SessionEnded(logger, "port-forward", protocol ?? "websocket", channels.Idle.IsCancellationRequested ? "idle timeout" : "closed");
    }

    private static List<int>? ParsePorts(IEnumerable<string?> values, PortForwardTarget target)
    {
        var ports = new List<int>();
        foreach (var item in values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535 ||
                (target.Ports.Count > 0 && !target.Ports.Contains(port)))
            {
                return null;
            }

            ports.Add(port);
        }

        // Two channels a port and one byte per channel number.
        return ports.Count is > 0 and <= 127 ? ports : null;
    }

    private static async Task ForwardAsync(WebSocketChannels channels, Pipe inbound, int index, int port, PortForwardTarget target, IContainerStreams core, ILogger logger, CancellationToken cancellationToken)
    {
        var data = (byte)(2 * index);
        var connection = new ChannelStream(inbound.Reader, (bytes, token) => channels.SendAsync(data, bytes, token));
        try
        {
            await core.PortForwardAsync(target.PodSandboxId, port, connection, cancellationToken);
        }
        catch (PortForwardException e)
        {
            StreamingLog.PortForwardFailed(logger, target.PodSandboxId, port, e.Message);
            try
            {
                var message = $"error forwarding port {port} to pod {target.PodSandboxId}: {e.Message}";
                await channels.SendAsync((byte)(data + 1), Encoding.UTF8.GetBytes(message), cancellationToken);
            }
            catch (Exception send) when (send is IOException or OperationCanceledException)
            {
                // The client is gone.
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client or the session went away mid-copy.
        }
    }

    private static async Task ReceiveAsync(WebSocketChannels channels, Pipe[] inbound, CancellationTokenSource session)
    {
        try
        {
            while (await channels.ReceiveAsync(session.Token) is var (channel, data))
            {
                if (channel % 2 == 0 && channel / 2 < inbound.Length)
                {
                    await inbound[channel / 2].Writer.WriteAsync(data, session.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            // The end of the session.
        }
        finally
        {
            foreach (var pipe in inbound)
            {
                await pipe.Writer.CompleteAsync();
            }

            await session.CancelAsync();
        }
    }
}
