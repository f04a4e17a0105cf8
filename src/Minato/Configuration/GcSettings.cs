namespace Minato.Configuration;

/// <summary>The <c>[gc]</c> table: when unreferenced data is collected, and the optional image policy.</summary>
public sealed record GcSettings
{
    /// <summary>Time between scheduled collections; zero runs only the one at start-up.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Above this percentage of the root filesystem in use, unused images are removed; 0 (the default) turns
    /// the image policy off, because the kubelet collects images on Kubernetes nodes.</summary>
    public int ImageGcHighPercent { get; init; }

    /// <summary>The usage the image policy aims for once it removes images.</summary>
    public int ImageGcLowPercent { get; init; }
}
