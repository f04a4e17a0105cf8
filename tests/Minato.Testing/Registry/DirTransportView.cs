namespace Minato.Testing;

/// <summary>Presents a layout's image in the layout of skopeo's <c>dir:</c> transport, made of symlinks to its blobs.</summary>
/// <remarks>The <c>oci:</c> transport only selects <c>index.json</c> entries with OCI media types, so images with Docker
/// schema 2 media types travel through <c>dir:</c>, which copies the manifest bytes as they are (and so keeps digests).
/// Layout of that transport: <c>version</c>, <c>manifest.json</c>, <c>HEX.manifest.json</c> per instance of a list, and
/// every other blob as <c>HEX</c>.</remarks>
internal static class DirTransportView
{
    private const string Version = "Directory Transport Version: 1.1\n";

    /// <summary>Creates the view in <paramref name="directory"/> (which must not exist) and returns its <c>dir:</c> reference.</summary>
    public static string Create(TestImage image, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "version"), Version);
        File.CreateSymbolicLink(Path.Combine(directory, "manifest.json"), image.BlobPath(image.Root.Digest));
        foreach (var manifest in image.Manifests.Where(_ => image.IsIndex))
        {
            File.CreateSymbolicLink(Path.Combine(directory, manifest.Descriptor.Hex + ".manifest.json"), image.BlobPath(manifest.Descriptor.Digest));
        }

        foreach (var blob in image.Manifests.SelectMany(m => m.Layers.Prepend(m.Config)).DistinctBy(b => b.Digest))
        {
            File.CreateSymbolicLink(Path.Combine(directory, blob.Hex), image.BlobPath(blob.Digest));
        }

        return "dir:" + directory;
    }
}
