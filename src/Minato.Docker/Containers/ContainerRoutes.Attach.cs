using System.Buffers;
using System.Net.Sockets;
using Minato.Docker.Http;
using Minato.Docker.Streams;
using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Monitor;

namespace Minato.Docker.Containers;

/// <summary><c>POST /containers/{id}/attach</c>: the hijacked connection carries the container's output (frames without a
/// TTY) and the client's input to its stdin, through the monitor's attach socket.</summary>
public sealed partial class ContainerRoutes
{
    private async Task AttachAsync(DockerRequest request)
    {
        var (stdin, stdout, stderr) = (request.QueryBool("stdin"), request.QueryBool("stdout"), request.QueryBool("stderr"));
        var (container, state) = Viewed(request);
        if (stdin && state.Owner != DockerContainers.Owner)
        {
            // Output may be watched; input would change what the kubelet runs.
            throw Pods.PodContainerView.Refusal(container);
        }

        var detach = DetachKeys.Parse(request.Query("detachKeys"));
        if (state.Phase == ContainerPhase.Exited && request.QueryBool("stream"))
        {
            throw DockerApiException.Conflict("You cannot attach to a stopped container, start it first");
        }

        ConmonAttach? attach = null;
        if (request.QueryBool("stream"))
        {
            try
            {
                attach = await ConmonAttach.ConnectAsync(engine.Attach(container.Id, beforeStart: true).SocketPath, request.Aborted);
            }
            catch (Exception e) when (e is SocketException or PreconditionException)
            {
                throw DockerApiException.Conflict($"container {container.Id} is not running: {e.Message}");
            }
        }

        using (attach)
        {
            var tty = container.Config.Tty;
            var (input, output) = await Hijack.TakeOverAsync(request.Http, ContentType(request, tty));
            using var frames = new StreamFrames(output, !tty);
            if (request.QueryBool("logs"))
            {
                await WriteLogAsync(state.LogPath, new LogOptions(stdout, stderr, false, 0, long.MaxValue, -1), frames, null, request.Aborted);
            }

            if (attach is null)
            {
                return;
            }

            // Not linked to the request: a client that half-closes after its stdin (as the CLI does) aborts the request in
            // Kestrel's eyes but still reads the output; a client that is gone shows as a failed write.
            using var stop = new CancellationTokenSource();
            var feeding = stdin && container.Config.OpenStdin
                ? FeedStdinAsync(input, attach, new DetachKeys(detach), stop)
                : Task.FromResult(false);
            var relaying = RelayOutputAsync(attach, frames, stdout, stderr, stop.Token);
            await Task.WhenAny(relaying, feeding.ContinueWith(t => t.Result ? Task.CompletedTask : relaying, TaskScheduler.Default).Unwrap());
            await stop.CancelAsync();
        }
    }

    /// <summary>Copies the client's input to the container's stdin until it ends (stdin is closed then, for a container
    /// created with StdinOnce) or the detach keys come (true).</summary>
    private static async Task<bool> FeedStdinAsync(Stream input, ConmonAttach attach, DetachKeys keys, CancellationTokenSource stop)
    {
        var buffer = new byte[16 * 1024];
        var filtered = new byte[buffer.Length + 16];
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer, stop.Token)) > 0)
            {
                var (written, detached) = keys.Filter(buffer.AsSpan(0, read), filtered);
                await attach.SendAsync(filtered.AsMemory(0, written), stop.Token);
                if (detached)
                {
                    return true;
                }
            }

            attach.CloseStdin();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client or the container went away.
        }

        return false;
    }

    private static async Task RelayOutputAsync(ConmonAttach attach, StreamFrames frames, bool stdout, bool stderr, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ConmonAttach.PacketSize);
        try
        {
            while (await attach.ReceiveAsync(buffer, cancellationToken) is var (channel, length))
            {
                var kind = channel == AttachChannel.Stderr ? StreamKind.Stderr : StreamKind.Stdout;
                if (kind == StreamKind.Stderr ? stderr : stdout)
                {
                    await frames.WriteAsync(kind, buffer.AsMemory(0, length), cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client left, or the attach ended.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
