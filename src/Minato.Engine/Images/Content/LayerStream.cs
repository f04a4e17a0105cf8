namespace Minato.Engine.Images.Content;

/// <summary>
/// The uncompressed tar of a layer read from its blob: blob digest and size checked, decompressed under
/// <see cref="LayerLimits"/>, and the DiffID checked.
/// </summary>
/// <remarks>
/// Chain: body -> <see cref="VerifyingStream"/> (digest, size) -> decoder -> <see cref="LimitedStream"/> ->
/// <see cref="VerifyingStream"/> (DiffID). When the consumer reaches the end, the blob verifier is also read to its
/// end, because a decoder may stop at its own end marker before the blob ends. A consumer that read to the end
/// without an exception has therefore seen content that matched both digests; <see cref="IsVerified"/> says so.
/// </remarks>
public sealed class LayerStream : PassThroughReadStream
{
    private readonly VerifyingStream blob;
    private readonly VerifyingStream diff;

    private LayerStream(VerifyingStream blob, VerifyingStream diff)
        : base(diff, leaveOpen: false)
    {
        this.blob = blob;
        this.diff = diff;
    }

    /// <summary>True when both the blob digest and the DiffID have been verified.</summary>
    public bool IsVerified => blob.IsVerified && diff.IsVerified;

    /// <summary>Bytes of the compressed blob read so far (for progress).</summary>
    public long CompressedBytesRead => blob.BytesRead;

    /// <summary>Builds the chain; <paramref name="body"/> is disposed with the result unless <paramref name="leaveOpen"/>.</summary>
    public static LayerStream Open(
        Stream body, Digest digest, long size, Digest diffId, LayerCompression compression, LayerLimits limits, bool leaveOpen = false)
    {
        var blob = new VerifyingStream(body, digest, size, leaveOpen);
        var decoded = LayerDecompression.Open(blob, compression);
        var limited = LimitedStream.ForDecompressedLayer(decoded, size, limits);
        return new LayerStream(blob, new VerifyingStream(limited, diffId, expectedLength: null));
    }

    public override int Read(Span<byte> buffer)
    {
        var read = Inner.Read(buffer);
        if (read == 0 && !buffer.IsEmpty)
        {
            blob.VerifyToEnd();
        }

        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await Inner.ReadAsync(buffer, cancellationToken);
        if (read == 0 && !buffer.IsEmpty)
        {
            await blob.VerifyToEndAsync(cancellationToken);
        }

        return read;
    }
}
