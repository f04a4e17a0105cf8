using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Minato.Cri.Streaming;

namespace Minato.Streaming.Spdy;

/// <summary>Exec and attach over SPDY: gather the streams the client asked for, run, report the status.</summary>
internal static class SpdyRemoteCommand
{
    /// <summary>Subprotocols in the server's order of preference.</summary>
    public static readonly IReadOnlyList<string> Protocols = ["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"];

    public static async Task ServeAsync(SpdyConnection connection, string protocol, RemoteCommand command, IContainerStreams core, StreamingOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        // v3 added the resize stream, v4 the JSON status; "" is a client that did not negotiate (v1).
        var resizing = protocol is "v4.channel.k8s.io" or "v3.channel.k8s.io";
        var expected = 1 + Count(command.Stdin) + Count(command.Stdout) + Count(command.Stderr) + Count(command.Tty && resizing);
        var streams = await GatherAsync(connection, expected, options.StreamCreationTimeout, cancellationToken);
        if (streams is null)
        {
            StreamingLog.StreamsTimedOut(logger, command.ContainerId, expected);
            return;
        }

        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Closed);
        var resize = Channel.CreateBounded<TerminalSize>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest });
        var resizeTask = streams.TryGetValue("resize", out var resizeStream)
            ? RemoteCommandRunner.ReadResizesAsync(resizeStream.AsStream(read: true, write: false), resize.Writer, session.Token)
            : Task.CompletedTask;
        if (resizeStream is null)
        {
            resize.Writer.TryComplete();
        }

        var status = await RemoteCommandRunner.RunAsync(core, command, new StreamingSession
        {
            Stdin = streams.GetValueOrDefault("stdin")?.AsStream(read: true, write: false),
            Stdout = streams.GetValueOrDefault("stdout")?.AsStream(read: false, write: true),
            Stderr = command.Tty ? null : streams.GetValueOrDefault("stderr")?.AsStream(read: false, write: true),
            Tty = command.Tty,
            Resize = resize.Reader,
        }, session.Token);

        try
        {
            if (status is not null && streams.TryGetValue("error", out var error))
            {
                var bytes = status.Encode(json: protocol == "v4.channel.k8s.io");
                if (bytes.Length > 0)
                {
                    await error.WriteAsync(bytes, session.Token);
                }
            }

            foreach (var stream in streams.Values)
            {
                await stream.CloseAsync(session.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client left before the status; nothing more to say to it.
        }

        await session.CancelAsync();
        await resizeTask;
    }

    /// <summary>Accepts streams until each expected one arrived; null on timeout or when the client left.</summary>
    private static async Task<Dictionary<string, SpdyStream>?> GatherAsync(SpdyConnection connection, int expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var streams = new Dictionary<string, SpdyStream>(StringComparer.Ordinal);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (streams.Count < expected)
            {
                var stream = await connection.IncomingStreams.ReadAsync(deadline.Token);
                var type = stream.Header("streamtype");
                if (type is not ("error" or "stdin" or "stdout" or "stderr" or "resize") || streams.ContainsKey(type))
                {
                    stream.Dispose();
                    continue;
                }

                await stream.ReplyAsync(deadline.Token);
                streams[type] = stream;
            }

            return streams;
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException or IOException)
        {
            return null;
        }
    }

    private static int Count(bool value) => value ? 1 : 0;
}
