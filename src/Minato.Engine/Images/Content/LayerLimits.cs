namespace Minato.Engine.Images.Content;

/// <summary>Bounds on how much a single layer may expand to when it is decompressed.</summary>
public sealed record LayerLimits
{
    /// <summary>Absolute cap on the uncompressed size of one layer. Default 32 GiB.</summary>
    public long MaxUncompressedBytes { get; init; } = 32L << 30;

    /// <summary>
    /// Cap on uncompressed size divided by compressed size. Default 1100: deflate cannot exceed about 1032:1, so gzip
    /// layers pass whatever they hold, while a zstd bomb (which can reach far higher ratios) stops early.
    /// </summary>
    public long MaxCompressionRatio { get; init; } = 1100;

    /// <summary>The limit for a layer whose compressed size is <paramref name="compressedSize"/>.</summary>
    public long UncompressedLimit(long compressedSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(compressedSize);
        var byRatio = compressedSize > long.MaxValue / Math.Max(1, MaxCompressionRatio)
            ? long.MaxValue
            : compressedSize * MaxCompressionRatio;
        return Math.Min(MaxUncompressedBytes, byRatio);
    }
}
