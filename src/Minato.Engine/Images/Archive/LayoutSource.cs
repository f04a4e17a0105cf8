using Minato.Engine.Images.Manifests;
using Minato.Engine.Images.Pull;

namespace Minato.Engine.Images.Archive;

/// <summary>Blobs of an OCI image layout directory, or of an unpacked <c>docker save</c> archive (by a digest map).</summary>
public sealed class LayoutSource(string directory, IReadOnlyDictionary<string, string>? files = null) : IImageSource
{
    public string Description => directory;

    public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        // Digest.Parse validates before the digest becomes part of a path.
        var digest = Digest.Parse(descriptor.Digest);
        var path = files is not null
            ? files.GetValueOrDefault(digest.ToString()) ?? throw new FileNotFoundException($"{directory}: no blob {digest}")
            : Path.Combine(directory, "blobs", digest.Algorithm, digest.Hex);
        Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        return Task.FromResult(stream);
    }
}
