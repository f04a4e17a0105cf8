using Minato.Engine.Images.Store;

namespace Minato.Engine.Disk;

/// <summary>Images that pruning and image garbage collection never remove (the pod sandbox image, for the CRI).</summary>
/// <param name="Names">Normalised names (<c>registry/repo:tag</c> or <c>registry/repo@digest</c>).</param>
public sealed record PinnedImages(IReadOnlyList<string> Names)
{
    public static readonly PinnedImages None = new([]);

    /// <summary>True when one of the image's names is pinned.</summary>
    public bool Holds(ImageRecord image) => Names.Any(n => image.RepoTags.Contains(n) || image.RepoDigests.Contains(n));
}
