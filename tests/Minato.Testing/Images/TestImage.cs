using System.Text.Json;

namespace Minato.Testing;

/// <summary>One platform's manifest in a test image, with its config, layers and the config's DiffIDs.</summary>
public sealed record ImageManifest(OciDescriptor Descriptor, OciDescriptor Config, IReadOnlyList<OciDescriptor> Layers,
    IReadOnlyList<string> DiffIds, Platform Platform)
{
    /// <summary>The image id a runtime reports: the config digest.</summary>
    public string ImageId => Config.Digest;
}

/// <summary>An image in an OCI image layout directory: the descriptor <c>index.json</c> tags with
/// <see cref="RefName"/> (a manifest, or an index) and the manifests under it.</summary>
public sealed record TestImage(string LayoutDirectory, string RefName, OciDescriptor Root, IReadOnlyList<ImageManifest> Manifests)
{
    /// <summary>The digest a registry serves for this image's tag (the index digest for a multi-arch image).</summary>
    public string Digest => Root.Digest;

    public bool IsIndex => Root.MediaType is MediaTypes.OciIndex or MediaTypes.DockerManifestList;

    /// <summary>The image uses Docker schema 2 media types rather than OCI ones.</summary>
    public bool IsDockerFormat => Root.MediaType is MediaTypes.DockerManifest or MediaTypes.DockerManifestList;

    /// <summary>The manifest for <paramref name="architecture"/> (linux), or the only one.</summary>
    public ImageManifest Manifest(string architecture = "amd64") =>
        Manifests.Count == 1 && !IsIndex
            ? Manifests[0]
            : Manifests.Single(m => m.Platform.Architecture == architecture && m.Platform.Os == "linux");

    /// <summary>The path of a blob of this layout.</summary>
    public string BlobPath(string digest) => Path.Combine(LayoutDirectory, "blobs", "sha256", digest["sha256:".Length..]);

    /// <summary>The <c>oci:</c> reference skopeo and other containers/image tools read this image by.</summary>
    public string OciReference => $"oci:{LayoutDirectory}:{RefName}";

    /// <summary>Reads the image tagged <paramref name="refName"/> back from a layout directory.</summary>
    public static TestImage Load(string layoutDirectory, string refName = "latest")
    {
        using var index = ReadJson(Path.Combine(layoutDirectory, "index.json"));
        var entry = index.RootElement.GetProperty("manifests").EnumerateArray().Single(m =>
            m.TryGetProperty("annotations", out var a) && a.TryGetProperty("org.opencontainers.image.ref.name", out var r) && r.GetString() == refName);
        var root = ReadDescriptor(entry);
        var image = new TestImage(layoutDirectory, refName, root, []);
        if (!image.IsIndex)
        {
            return image with { Manifests = [image.ReadManifest(root)] };
        }

        using var nested = ReadJson(image.BlobPath(root.Digest));
        var manifests = nested.RootElement.GetProperty("manifests").EnumerateArray().Select(m => image.ReadManifest(ReadDescriptor(m))).ToList();
        return image with { Manifests = manifests };
    }

    private ImageManifest ReadManifest(OciDescriptor descriptor)
    {
        using var manifest = ReadJson(BlobPath(descriptor.Digest));
        var config = ReadDescriptor(manifest.RootElement.GetProperty("config"));
        var layers = manifest.RootElement.GetProperty("layers").EnumerateArray().Select(ReadDescriptor).ToList();
        using var configJson = ReadJson(BlobPath(config.Digest));
        var root = configJson.RootElement;
        var diffIds = root.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()!).ToList();
        var platform = new Platform(root.GetProperty("architecture").GetString()!, root.GetProperty("os").GetString()!,
            root.TryGetProperty("variant", out var variant) ? variant.GetString() : null);
        return new ImageManifest(descriptor, config, layers, diffIds, platform);
    }

    private static OciDescriptor ReadDescriptor(JsonElement element)
    {
        var descriptor = new OciDescriptor(element.GetProperty("mediaType").GetString()!, element.GetProperty("digest").GetString()!,
            element.GetProperty("size").GetInt64());
        if (element.TryGetProperty("platform", out var p))
        {
            descriptor = descriptor with
            {
                Platform = new Platform(p.GetProperty("architecture").GetString()!, p.GetProperty("os").GetString()!,
                    p.TryGetProperty("variant", out var v) ? v.GetString() : null),
            };
        }

        return descriptor;
    }

    private static JsonDocument ReadJson(string path) => JsonDocument.Parse(File.ReadAllBytes(path));
}
