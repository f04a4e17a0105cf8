namespace Minato.Testing;

/// <summary>A seekable, read-only stream of deterministic bytes that gzip compresses about 2:1.</summary>
/// <remarks>Every 64-byte block is 32 pseudo-random bytes (incompressible) followed by 32 bytes of fixed text (nearly
/// free to compress). A byte depends only on the seed and its offset, so any range can be produced without state.</remarks>
public sealed class GeneratedContentStream(ulong seed, long length) : Stream
{
    private const int BlockSize = 64;
    private static readonly byte[] Filler = "minato large test image filler\n\n"u8.ToArray();

    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = (int)Math.Min(buffer.Length, Math.Max(0, length - _position));
        Span<byte> block = stackalloc byte[BlockSize];
        var done = 0;
        while (done < total)
        {
            var blockIndex = (_position + done) / BlockSize;
            var inBlock = (int)((_position + done) % BlockSize);
            FillBlock(blockIndex, block);
            var take = Math.Min(BlockSize - inBlock, total - done);
            block.Slice(inBlock, take).CopyTo(buffer[done..]);
            done += take;
        }

        _position += total;
        return total;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void FillBlock(long blockIndex, Span<byte> block)
    {
        for (var word = 0; word < 4; word++)
        {
            BitConverter.TryWriteBytes(block[(word * 8)..], Mix(seed ^ (ulong)((blockIndex * 4) + word)));
        }

        Filler.CopyTo(block[32..]);
    }

    // SplitMix64's finaliser: a cheap bijection that scatters neighbouring inputs over the whole 64-bit range.
    private static ulong Mix(ulong value)
    {
        var z = value + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
