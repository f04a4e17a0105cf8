using System.IO.Compression;
using Minato.Engine.Images.Content;
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
        Stream whole = new PrefixedStream(head.AsMemory(0, length), body, leaveOpen: true);
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
}
