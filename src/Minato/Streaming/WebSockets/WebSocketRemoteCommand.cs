using System.IO.Pipelines;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Minato.Cri.Streaming;

namespace Minato.Streaming.WebSockets;

/// <summary>Exec and attach over WebSocket: channels 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; v5 adds
/// 255, on which the client closes one of its channels (stdin end of stream).</summary>
internal static class WebSocketRemoteCommand
{
    public const string V5 = "v5.channel.k8s.io";

    /// <summary>Subprotocols in the server's order of preference.</summary>
    public static readonly IReadOnlyList<string> Protocols = [V5, "v4.channel.k8s.io", "v4.base64.channel.k8s.io", "channel.k8s.io", "base64.channel.k8s.io"];

    private const byte Stdin = 0, Stdout = 1, Stderr = 2, Error = 3, Resize = 4, Close = 255;

    public static async Task ServeAsync(HttpContext context, RemoteCommand command, IContainerStreams core, TimeSpan idleTimeout, ILogger logger)
    {
        var requested = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = Protocols.FirstOrDefault(requested.Contains);
        if (protocol is null && requested.Count > 0)
        {
            StreamingLog.Refused(logger, "no supported WebSocket subprotocol in " + string.Join(", ", requested));
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        using var channels = new WebSocketChannels(socket, protocol?.Contains("base64", StringComparison.Ordinal) ?? false, idleTimeout);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);

        // Idleness ends the command but not the receive loop: cancelling a pending receive aborts the socket, and
        // the client is owed a close handshake.
        using var running = CancellationTokenSource.CreateLinkedTokenSource(session.Token, channels.Idle);
        var stdin = command.Stdin ? new Pipe() : null;
        var resize = Channel.CreateBounded<TerminalSize>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest });
        var receiving = ReceiveAsync(channels, protocol == V5, stdin, resize.Writer, session);

        var status = await RemoteCommandRunner.RunAsync(core, command, new StreamingSession
        {
            Stdin = stdin is null ? null : new ChannelStream(stdin.Reader, null),
            Stdout = command.Stdout ? Output(channels, Stdout) : null,
            Stderr = command.Stderr && !command.Tty ? Output(channels, Stderr) : null,
            Tty = command.Tty,
            Resize = resize.Reader,
        }, running.Token);

        try
        {
            var bytes = status?.Encode(json: protocol is V5 or "v4.channel.k8s.io" or "v4.base64.channel.k8s.io") ?? [];
            if (bytes.Length > 0)
            {
                await channels.SendAsync(Error, bytes, running.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client left before the status.
        }

        await channels.CloseAsync();
        await WebSocketChannels.AwaitClientCloseAsync(receiving);
        await session.CancelAsync();
        await receiving;
        StreamingLog.SessionEnded(logger, command.IsAttach ? "attach" : "exec", protocol ?? "websocket",
            status is not null ? "done" : channels.Idle.IsCancellationRequested ? "idle timeout" : "client left");
    }

    private static ChannelStream Output(WebSocketChannels channels, byte channel) =>
        new(null, (data, token) => channels.SendAsync(channel, data, token));

    private static async Task ReceiveAsync(WebSocketChannels channels, bool closeChannel, Pipe? stdin, ChannelWriter<TerminalSize> resize, CancellationTokenSource session)
    {
        try
        {
            while (await channels.ReceiveAsync(session.Token) is var (channel, data))
            {
                switch (channel)
                {
                    case Stdin when stdin is not null:
                        await stdin.Writer.WriteAsync(data, session.Token);
                        break;
                    case Resize when JsonSerializer.Deserialize(data, StatusJson.Default.ResizeMessage) is { } size:
                        resize.TryWrite(new TerminalSize(size.Width, size.Height));
                        break;
                    case Close when closeChannel && data is [Stdin, ..] && stdin is not null:
                        await stdin.Writer.CompleteAsync();
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or OperationCanceledException or InvalidOperationException)
        {
            // A malformed message or the end of the session.
        }
        finally
        {
            if (stdin is not null)
            {
                await stdin.Writer.CompleteAsync();
            }

            resize.TryComplete();

            // The client went away: the command's stdio ends with the session.
            await session.CancelAsync();
        }
    }
}
