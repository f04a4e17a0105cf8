using System.Globalization;
using System.Text;
using Minato.Cri.Streaming;

namespace Minato.Tests.Streaming;

/// <summary>A core that runs scripted "commands" instead of containers, so the protocols can be tested alone.</summary>
/// <remarks>
/// Commands: <c>echo</c> copies stdin to stdout; <c>exit N</c> writes "out"/"err" and returns N; <c>resize N</c>
/// prints the first N sizes as WxH lines; <c>hang</c> waits to be cancelled; <c>big N</c> writes N bytes.
/// Attach writes "attached\n" then echoes. Port 80 echoes; any other port is refused.
/// </remarks>
internal sealed class FakeContainerStreams : IContainerStreams
{
    private int _active;

    /// <summary>Sessions running now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Completes with true when a session saw its cancellation token fire.</summary>
    public TaskCompletionSource<bool> Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The last session's TTY flag.</summary>
    public bool? LastTty { get; private set; }

    public void ValidateContainer(string containerId)
    {
        if (containerId != "c1")
        {
            throw new Minato.Engine.Errors.NotFoundException($"container {containerId} not found");
        }
    }

    public void ValidatePod(string podSandboxId)
    {
        if (podSandboxId != "p1")
        {
            throw new Minato.Engine.Errors.NotFoundException($"pod {podSandboxId} not found");
        }
    }

    public async Task<int> ExecAsync(string containerId, IReadOnlyList<string> command, StreamingSession session, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _active);
        LastTty = session.Tty;
        try
        {
            switch (command)
            {
                case ["echo"]:
                    await session.Stdin!.CopyToAsync(session.Stdout!, cancellationToken);
                    return 0;
                case ["exit", var code]:
                    await session.Stdout!.WriteAsync("out"u8.ToArray(), cancellationToken);
                    if (session.Stderr is { } stderr)
                    {
                        await stderr.WriteAsync("err"u8.ToArray(), cancellationToken);
                    }

                    return int.Parse(code, CultureInfo.InvariantCulture);
                case ["resize", var count]:
                    for (var i = 0; i < int.Parse(count, CultureInfo.InvariantCulture); i++)
                    {
                        var size = await session.Resize!.ReadAsync(cancellationToken);
                        await session.Stdout!.WriteAsync(Encoding.ASCII.GetBytes($"{size.Width}x{size.Height}\n"), cancellationToken);
                    }

                    return 0;
                case ["big", var length]:
                    var chunk = new byte[8192];
                    for (var left = int.Parse(length, CultureInfo.InvariantCulture); left > 0; left -= chunk.Length)
                    {
                        await session.Stdout!.WriteAsync(chunk.AsMemory(0, Math.Min(left, chunk.Length)), cancellationToken);
                    }

                    return 0;
                case ["hang"]:
                    await WaitForCancellationAsync(cancellationToken);
                    return 0;
                default:
                    throw new InvalidOperationException("unknown fake command " + string.Join(' ', command));
            }
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    public async Task AttachAsync(string containerId, StreamingSession session, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _active);
        LastTty = session.Tty;
        try
        {
            await session.Stdout!.WriteAsync("attached\n"u8.ToArray(), cancellationToken);
            await session.Stdin!.CopyToAsync(session.Stdout, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    public async Task PortForwardAsync(string podSandboxId, int port, Stream connection, CancellationToken cancellationToken)
    {
        if (port != 80)
        {
            throw new PortForwardException($"dial tcp4 127.0.0.1:{port}: connect: connection refused");
        }

        Interlocked.Increment(ref _active);
        try
        {
            await connection.CopyToAsync(connection, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private async Task WaitForCancellationAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Cancelled.TrySetResult(true);
            throw;
        }
    }
}
