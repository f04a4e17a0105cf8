using System.IO.Compression;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;

namespace Minato.Build.Context;

/// <summary>Detects a context stream's compression from its magic bytes and opens a decompressing stream over it.</summary>
internal static class ContextCompression
{
    private static ReadOnlySpan<byte> Gzip => [0x1F, 0x8B, 0x08];

    private static ReadOnlySpan<byte> Bzip2 => "BZh"u8;

    private static ReadOnlySpan<byte> Xz => [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];

    private static ReadOnlySpan<byte> Zstd => [0x28, 0xB5, 0x2F, 0xFD];

    public static async Task<Stream> OpenAsync(Stream body, CancellationToken cancellationToken)
    {
        var head = new byte[6];
        var length = 0;
        while (length < head.Length)
        {
            var read = await body.ReadAsync(head.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        var prefix = head.AsSpan(0, length);
        Stream whole = new PrefixedStream(head[..length], body);
        if (prefix.StartsWith(Gzip))
        {
            return new GZipStream(whole, CompressionMode.Decompress);
        }

        if (prefix.StartsWith(Bzip2))
        {
            return BZip2Stream.Create(whole, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true);
        }

        if (prefix.StartsWith(Xz))
        {
            return new XZStream(whole);
        }

        return prefix.StartsWith(Zstd) ? new ZstdSharp.DecompressionStream(whole) : whole;
    }

    /// <summary>Replays the bytes read for detection, then reads on from the body; its position counts bytes read (the xz decoder asks).</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream body) : Stream
    {
        private int _offset;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_offset < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _offset);
                prefix.AsSpan(_offset, n).CopyTo(buffer);
                _offset += n;
                _position += n;
                return n;
            }

            var read = body.Read(buffer);
            _position += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_offset < prefix.Length)
            {
                return Read(buffer.Span);
            }

            var read = await body.ReadAsync(buffer, cancellationToken);
            _position += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
