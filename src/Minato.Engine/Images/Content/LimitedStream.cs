namespace Minato.Engine.Images.Content;

/// <summary>A read-only pass-through stream that fails once more than a fixed number of bytes has come through.</summary>
/// <remarks>
/// Put behind a decompressor, it turns a decompression bomb into a clean <see cref="SizeLimitExceededException"/>
/// before the consumer has written more than the limit. Reaching the limit exactly is fine; one byte more is not.
/// </remarks>
public sealed class LimitedStream : PassThroughReadStream
{
    private readonly string what;
    private long position;

    public LimitedStream(Stream inner, long limit, string what = "The stream", bool leaveOpen = false)
        : base(inner, leaveOpen)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        this.what = what;
        Limit = limit;
    }

    /// <summary>The most bytes that may be read.</summary>
    public long Limit { get; }

    /// <summary>
    /// Wraps a decompressed layer: the limit is the smaller of <see cref="LayerLimits.MaxUncompressedBytes"/> and
    /// <paramref name="compressedSize"/> times <see cref="LayerLimits.MaxCompressionRatio"/>.
    /// </summary>
    public static LimitedStream ForDecompressedLayer(Stream decompressed, long compressedSize, LayerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new LimitedStream(decompressed, limits.UncompressedLimit(compressedSize), "The uncompressed layer");
    }

    public override int Read(Span<byte> buffer) => Account(Inner.Read(buffer[..Allowance(buffer.Length)]));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Account(await Inner.ReadAsync(buffer[..Allowance(buffer.Length)], cancellationToken));

    // One byte past the limit is requested so that "exactly at the limit" and "over it" can be told apart.
    private int Allowance(int requested) => (int)Math.Min(requested, Limit - position + 1);

    private int Account(int read)
    {
        position += read;
        return position > Limit ? throw new SizeLimitExceededException(what, Limit) : read;
    }
}
