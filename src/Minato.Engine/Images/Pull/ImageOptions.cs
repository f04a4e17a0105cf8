using Minato.Engine.Images.Content;

namespace Minato.Engine.Images.Pull;

/// <summary>Limits and timeouts of pulls and imports.</summary>
public sealed record ImageOptions
{
    /// <summary>Layers of one image downloaded at the same time. Default 3.</summary>
    public int MaxConcurrentDownloadsPerImage { get; init; } = 3;

    /// <summary>Layers downloaded at the same time across all pulls. Default 6.</summary>
    public int MaxConcurrentDownloads { get; init; } = 6;

    /// <summary>A pull that receives no bytes for this long fails. Default 5 minutes.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Decompression bounds per layer.</summary>
    public LayerLimits LayerLimits { get; init; } = new();

    /// <summary>Free space an unpack must leave on the image filesystem. Default 256 MiB.</summary>
    public long DiskReserveBytes { get; init; } = 256L << 20;
}
