using System.Buffers;
using System.Net.Sockets;
using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Monitor;

namespace Minato.Cri.Streaming;

/// <summary>One attach: a client's streams connected to a running container's stdio through its conmon.</summary>
/// <remarks>
/// Client input reaches the container only when it was created with stdin (CRI <c>stdin</c>); otherwise the
/// container has no stdin to write to, and, like containerd, the client's input is read and dropped rather than
/// failing the attach, so a client asking for stdin by default still sees the output. At the client's end of
/// stdin conmon closes the container's stdin if it was created with <c>stdin_once</c>; otherwise it stays open for
/// the next attach. Resizes apply only to a container with a TTY. The session ends when the container exits
/// (conmon closes the socket) or when cancelled.
/// </remarks>
public static class AttachSession
{
    /// <summary>Runs the attach until the container exits; throws <see cref="OperationCanceledException"/> when cancelled.</summary>
    /// <exception cref="PreconditionException">conmon does not accept the connection (the container has exited).</exception>
    public static async Task RunAsync(AttachTarget target, StreamingSession session, CancellationToken cancellationToken)
    {
        ConmonAttach attach;
        try
        {
            attach = await ConmonAttach.ConnectAsync(target.SocketPath, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new PreconditionException($"container {target.ContainerId} is not running: its attach socket refused the connection", e);
        }

        using (attach)
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var input = session.Stdin is null ? Task.CompletedTask
                : target.Stdin ? StreamPumps.FeedAsync(session.Stdin, attach.SendAsync, attach.CloseStdin, stop.Token)
                : StreamPumps.CopyAsync(session.Stdin, null, stop.Token);
            var resize = target.Tty
                ? StreamPumps.ResizeAsync(session.Resize, s => ConmonAttach.Resize(target.ControlFifo, s.Width, s.Height), stop.Token)
                : Task.CompletedTask;
            try
            {
                await ReceiveAsync(attach, session, cancellationToken);
            }
            finally
            {
                // The client's stdin stream may not honour cancellation; never let it hold the session open.
                await stop.CancelAsync();
                await Task.WhenAny(Task.WhenAll(input, resize), Task.Delay(ExecSession.DrainTimeout, CancellationToken.None));
            }
        }
    }

    private static async Task ReceiveAsync(ConmonAttach attach, StreamingSession session, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ConmonAttach.PacketSize);
        try
        {
            while (await attach.ReceiveAsync(buffer, cancellationToken) is var (channel, length))
            {
                // A stream the client did not ask for is dropped; with a TTY everything arrives as stdout.
                if ((channel == AttachChannel.Stderr ? session.Stderr : session.Stdout) is { } to)
                {
                    await to.WriteAsync(buffer.AsMemory(0, length), cancellationToken);
                    await to.FlushAsync(cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            // The client's side is gone: the normal end of an attach.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
