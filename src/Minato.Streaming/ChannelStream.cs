using System.Buffers;
using System.IO.Pipelines;

namespace Minato.Streaming;

/// <summary>A <see cref="Stream"/> over one protocol channel: reads drain a pipe the protocol fills, writes go out as
/// the protocol's frames or messages. Either side may be absent (a write-only stdout, a read-only stdin).</summary>
public sealed class ChannelStream(
    PipeReader? reader,
    Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>? writer,
    Action<int>? consumed = null) : Stream
{
    public override bool CanRead => reader is not null;

    public override bool CanWrite => writer is not null;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (reader is null)
        {
            throw new NotSupportedException("this channel is write-only");
        }

        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(cancellationToken);
            }
            catch (InvalidOperationException)
            {
                return 0; // the reader was completed: the channel is gone
            }

            var available = result.Buffer;
            if (!available.IsEmpty)
            {
                var count = (int)Math.Min(available.Length, buffer.Length);
                available.Slice(0, count).CopyTo(buffer.Span);
                reader.AdvanceTo(available.GetPosition(count));
                consumed?.Invoke(count);
                return count;
            }

            reader.AdvanceTo(available.Start);
            if (result.IsCompleted || result.IsCanceled)
            {
                return 0;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        writer is null ? throw new NotSupportedException("this channel is read-only") : writer(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
