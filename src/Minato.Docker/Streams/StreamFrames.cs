using System.Buffers.Binary;

namespace Minato.Docker.Streams;

/// <summary>The stream a multiplexed frame carries (its first byte).</summary>
public enum StreamKind : byte
{
    Stdin = 0,
    Stdout = 1,
    Stderr = 2,

    /// <summary>An error of the daemon, sent in-band when the answer has started.</summary>
    SystemError = 3,
}

/// <summary>Docker's multiplexed stream format (<c>application/vnd.docker.multiplexed-stream</c>) for output without a
/// TTY: each frame is an 8-byte header (stream byte, three zero bytes, big-endian uint32 length) and the payload.
/// With a TTY the bytes go raw.</summary>
public sealed class StreamFrames(Stream output, bool multiplexed) : IDisposable
{
    /// <summary>The header's size.</summary>
    public const int HeaderSize = 8;

    /// <summary>Largest payload of one frame; longer writes are split.</summary>
    public const int MaxPayload = 32 * 1024;

    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>True when frames carry headers (no TTY).</summary>
    public bool Multiplexed => multiplexed;

    public void Dispose() => _writing.Dispose();

    /// <summary>Writes the 8-byte header of a frame of <paramref name="length"/> bytes on <paramref name="kind"/>.</summary>
    public static void WriteHeader(Span<byte> header, StreamKind kind, int length)
    {
        header[0] = (byte)kind;
        header[1] = header[2] = header[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)length);
    }

    /// <summary>Writes <paramref name="payload"/> on <paramref name="kind"/> (framed, or raw with a TTY) and flushes.</summary>
    public async Task WriteAsync(StreamKind kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            if (!multiplexed)
            {
                await output.WriteAsync(payload, cancellationToken);
            }
            else
            {
                var header = new byte[HeaderSize];
                while (payload.Length > 0)
                {
                    var chunk = payload[..Math.Min(payload.Length, MaxPayload)];
                    WriteHeader(header, kind, chunk.Length);
                    await output.WriteAsync(header, cancellationToken);
                    await output.WriteAsync(chunk, cancellationToken);
                    payload = payload[chunk.Length..];
                }
            }

            await output.FlushAsync(cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }
}
