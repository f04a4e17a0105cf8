using Minato.Engine.Errors;
using Minato.Engine.Images.Store;

namespace Minato.Engine.Disk;

/// <summary>An image that garbage collection could remove, with when it was last used.</summary>
/// <param name="Image">The image (no container uses it, not pinned, no pull of it runs).</param>
/// <param name="LastUsed">Unix nanoseconds: the last container created from it, or when it was recorded.</param>
public sealed record ImageCandidate(ImageRecord Image, long LastUsed);

/// <summary>
/// The kubelet's image garbage collection for nodes without a kubelet: when the image filesystem is fuller than
/// <see cref="HighPercent"/>, remove unused images, least recently used first, until it would be at
/// <see cref="LowPercent"/>. Off (null) by default, because the kubelet does the same on Kubernetes nodes.
/// </summary>
public sealed class ImageGcPolicy
{
    /// <summary>Creates the policy; the percentages are checked here so a bad configuration names its key.</summary>
    /// <exception cref="InvalidInputException">A percentage outside 1..100, or low above high.</exception>
    public ImageGcPolicy(int highPercent, int lowPercent, IFileSystemUsage usage)
    {
        if (highPercent is < 1 or > 100)
        {
            throw new InvalidInputException($"image_gc_high_percent: {highPercent} is not between 1 and 100");
        }

        if (lowPercent < 1 || lowPercent > highPercent)
        {
            throw new InvalidInputException($"image_gc_low_percent: {lowPercent} is not between 1 and image_gc_high_percent ({highPercent})");
        }

        HighPercent = highPercent;
        LowPercent = lowPercent;
        Usage = usage;
    }

    public int HighPercent { get; }

    public int LowPercent { get; }

    private IFileSystemUsage Usage { get; }

    /// <summary>The images to remove, in order, given the filesystem holding <paramref name="path"/>; empty when it is
    /// not above the high mark. An image's <see cref="ImageRecord.Size"/> is taken as what removing it frees.</summary>
    public IReadOnlyList<ImageRecord> Select(string path, IEnumerable<ImageCandidate> candidates)
    {
        var (total, available) = Usage.Measure(path);
        if (total <= 0)
        {
            return [];
        }

        var used = total - available;
        if (used * 100 < total * HighPercent)
        {
            return [];
        }

        var toFree = used - total * LowPercent / 100;
        var chosen = new List<ImageRecord>();
        foreach (var candidate in candidates.OrderBy(c => c.LastUsed).ThenBy(c => c.Image.Id, StringComparer.Ordinal))
        {
            if (toFree <= 0)
            {
                break;
            }

            chosen.Add(candidate.Image);
            toFree -= Math.Max(0, candidate.Image.Size);
        }

        return chosen;
    }
}
