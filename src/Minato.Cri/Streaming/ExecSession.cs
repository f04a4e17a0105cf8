using Minato.Engine.Containers;
using Minato.Engine.Oci;

namespace Minato.Cri.Streaming;

/// <summary>One streaming exec: a prepared process spec run by the runtime with a client's streams attached.</summary>
/// <remarks>
/// Without a TTY the process gets a pipe for each stream the client asked for (the others are /dev/null); the
/// client's end of stdin closes the process's stdin. With a TTY, one terminal carries input and output, resized
/// from the client's resize events, and its stdin stays open until the process ends (an interactive shell is
/// ended by its user, not by a half-closed stream). The session ends when the process exits; output still in the
/// pipes is delivered first, for at most <see cref="DrainTimeout"/> in case a background child holds them open.
/// </remarks>
public static class ExecSession
{
    /// <summary>How long output may keep flowing after the process exited.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a killed exec may take to go away before its runtime is killed too.</summary>
    public static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a TTY exec waits for the client's first size before it starts on 80x24.</summary>
    public static readonly TimeSpan FirstSizeWait = TimeSpan.FromMilliseconds(500);

    /// <summary>The terminal an exec of <paramref name="session"/> runs on: null without a TTY, else the client's first
    /// size from its resize events, else 80x24.</summary>
    /// <remarks>kubectl sends its size on the resize stream just after the streams exist; starting the process before
    /// it arrived would show the command the default size first (a race a test with real kubectl hit), so a client
    /// with a resize stream gets <see cref="FirstSizeWait"/> to send it.</remarks>
    public static async Task<ConsoleSize?> TerminalAsync(StreamingSession session, CancellationToken cancellationToken)
    {
        if (!session.Tty)
        {
            return null;
        }

        if (session.Resize is { } resize)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(FirstSizeWait);
            try
            {
                if (await resize.WaitToReadAsync(wait.Token) && resize.TryRead(out var size))
                {
                    return new ConsoleSize(size.Width, size.Height);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // No size in time: the default, and later sizes still resize the terminal.
            }
        }

        return new ConsoleSize(80, 24);
    }

    /// <summary>Runs the exec (on a terminal when <paramref name="target"/> asks for one) and returns its exit code. On cancellation the process is killed, everything is closed,
    /// and <see cref="OperationCanceledException"/> is thrown.</summary>
    public static async Task<int> RunAsync(ExecTarget target, StreamingSession session, CancellationToken cancellationToken)
    {
        var terminal = target.Terminal;
        var stdio = new ExecStdio(session.Stdin is not null, session.Stdout is not null, session.Stderr is not null && terminal is null);
        using var exec = target.Start(stdio);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var output = Task.WhenAll(
            StreamPumps.CopyAsync(exec.Stdout, session.Stdout, stop.Token),
            StreamPumps.CopyAsync(exec.Stderr, session.Stderr, stop.Token));
        var input = session.Stdin is null || exec.Stdin is not { } stdin
            ? Task.CompletedTask
            : StreamPumps.FeedAsync(session.Stdin, WriteAndFlush(stdin), terminal is not null ? () => { }
        : stdin.Dispose, stop.Token);
        var resize = terminal is not null
            ? StreamPumps.ResizeAsync(session.Resize, s => exec.Resize(s.Width, s.Height), stop.Token)
            : Task.CompletedTask;
        try
        {
            await exec.Exited.WaitAsync(cancellationToken);
            await Task.WhenAny(output, Task.Delay(DrainTimeout, CancellationToken.None));
            return await exec.Exited;
        }
        catch (OperationCanceledException)
        {
            await exec.KillAsync(KillTimeout);
            throw;
        }
        finally
        {
            // A write blocked on a full pipe that a background child holds cannot be cancelled; do not wait for it.
            await stop.CancelAsync();
            await Task.WhenAny(Task.WhenAll(input, resize), Task.Delay(DrainTimeout, CancellationToken.None));
        }
    }

    private static Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> WriteAndFlush(Stream stream) => async (data, cancellationToken) =>
    {
        await stream.WriteAsync(data, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    };
}
