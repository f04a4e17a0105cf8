namespace Minato.Engine.Images.Store;

/// <summary>What happened to a stored image.</summary>
public enum ImageChangeKind
{
    /// <summary>A name now points to the image (<see cref="ImageChange.Name"/>).</summary>
    Tagged,

    /// <summary>A name was taken off the image (<see cref="ImageChange.Name"/>).</summary>
    Untagged,

    /// <summary>The image itself is gone.</summary>
    Removed,
}

/// <summary>A change of one stored image, raised by <see cref="ImageStore"/> after it was committed.</summary>
/// <param name="ImageId">The image's id (config digest).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Name">The name tagged or untagged; null for <see cref="ImageChangeKind.Removed"/>.</param>
public sealed record ImageChange(string ImageId, ImageChangeKind Kind, string? Name);
