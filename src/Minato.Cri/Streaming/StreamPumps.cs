using System.Buffers;

namespace Minato.Cri.Streaming;

/// <summary>The copy loops between a client's streams and a process, socket or conmon connection.</summary>
/// <remarks>
/// A pump ends quietly when either side fails or closes, or when <c>stop</c> is cancelled: a client that goes away
/// mid-stream is the normal end of a session, not an error. Output is flushed after every chunk so an interactive
/// client sees each prompt at once.
/// </remarks>
internal static class StreamPumps
{
    private const int ChunkSize = 32 * 1024;

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> (or discards it when there is no client stream)
    /// until end of stream; nothing is written once <paramref name="stop"/> is cancelled.</summary>
    public static async Task CopyAsync(Stream? from, Stream? to, CancellationToken stop)
    {
        if (from is null)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer.AsMemory(0, ChunkSize), stop)) > 0)
            {
                if (to is not null)
                {
                    await to.WriteAsync(buffer.AsMemory(0, read), stop);
                    await to.FlushAsync(stop);
                }
            }
        }
        catch (Exception e) when (IsEndOfSession(e))
        {
            // The process, the socket or the client has gone.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Feeds the client's input to <paramref name="write"/> and calls <paramref name="ended"/> at the client's
    /// end of stream (not when stopped or failed).</summary>
    public static async Task FeedAsync(Stream from, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, Action ended, CancellationToken stop)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer.AsMemory(0, ChunkSize), stop)) > 0)
            {
                await write(buffer.AsMemory(0, read), stop);
            }

            ended();
        }
        catch (Exception e) when (IsEndOfSession(e))
        {
            // Stopped, or the process no longer reads its input.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Passes each size from <paramref name="sizes"/> to <paramref name="apply"/> until the channel completes or stops.</summary>
    public static async Task ResizeAsync(System.Threading.Channels.ChannelReader<TerminalSize>? sizes, Action<TerminalSize> apply, CancellationToken stop)
    {
        if (sizes is null)
        {
            return;
        }

        try
        {
            await foreach (var size in sizes.ReadAllAsync(stop))
            {
                apply(size);
            }
        }
        catch (Exception e) when (IsEndOfSession(e))
        {
            // Stopped, or the terminal is gone.
        }
    }

    private static bool IsEndOfSession(Exception e) =>
        e is IOException or ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException;
}
