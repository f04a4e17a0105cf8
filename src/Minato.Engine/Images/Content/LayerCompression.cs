using System.IO.Compression;

namespace Minato.Engine.Images.Content;

/// <summary>How a layer blob is compressed.</summary>
public enum LayerCompression
{
    None,
    Gzip,
    Zstd,
}

/// <summary>Maps layer media types to <see cref="LayerCompression"/> and opens decompressing streams.</summary>
public static class LayerDecompression
{
    /// <summary>The compression of an OCI or Docker layer media type; null for a type that is not a layer.</summary>
    public static LayerCompression? FromMediaType(string mediaType) => mediaType switch
    {
        "application/vnd.oci.image.layer.v1.tar"
            or "application/vnd.oci.image.layer.nondistributable.v1.tar" => LayerCompression.None,
        "application/vnd.oci.image.layer.v1.tar+gzip"
            or "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
            or "application/vnd.docker.image.rootfs.diff.tar.gzip"
            or "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" => LayerCompression.Gzip,
        "application/vnd.oci.image.layer.v1.tar+zstd"
            or "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd" => LayerCompression.Zstd,
        _ => null,
    };

    /// <summary>Wraps <paramref name="compressed"/> in a decoder whose format errors surface as <see cref="MalformedLayerException"/>.</summary>
    public static Stream Open(Stream compressed, LayerCompression compression, bool leaveOpen = false) => compression switch
    {
        LayerCompression.None => new DecoderStream(compressed, leaveOpen),
        LayerCompression.Gzip => new DecoderStream(new GZipStream(compressed, CompressionMode.Decompress, leaveOpen), false),
        LayerCompression.Zstd => new DecoderStream(
            new ZstdSharp.DecompressionStream(compressed, leaveOpen: leaveOpen), false),
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };

    /// <summary>Turns the decoders' own exception types into the one the pull path handles.</summary>
    private sealed class DecoderStream(Stream decoder, bool leaveOpen) : PassThroughReadStream(decoder, leaveOpen)
    {
        public override int Read(Span<byte> buffer)
        {
            try
            {
                return Inner.Read(buffer);
            }
            catch (Exception e) when (IsFormatError(e))
            {
                throw new MalformedLayerException($"Corrupt compressed layer: {e.Message}", e);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await Inner.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception e) when (IsFormatError(e))
            {
                throw new MalformedLayerException($"Corrupt compressed layer: {e.Message}", e);
            }
        }

        private static bool IsFormatError(Exception e) => e is InvalidDataException or ZstdSharp.ZstdException;
    }
}
