using Minato.Engine.Images.Manifests;

namespace Minato.Engine.Images.Pull;

/// <summary>Where an image's blobs come from: a registry, or an archive being imported.</summary>
/// <remarks>Blobs are returned unverified; <see cref="ImageUnpacker"/> checks every digest and size.</remarks>
public interface IImageSource
{
    /// <summary>Names the source in messages (never holds credentials).</summary>
    string Description { get; }

    /// <summary>Opens the blob <paramref name="descriptor"/> points to; the caller disposes the stream.</summary>
    Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken);
}

/// <summary>An image chosen from a source: its platform manifest, and the index it came from if any.</summary>
public sealed record ResolvedImage(FetchedManifest Manifest, FetchedManifest? Index);
