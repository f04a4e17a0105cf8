using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Minato.Testing;

/// <summary>Writes blobs, <c>oci-layout</c> and <c>index.json</c> of an OCI image layout directory.</summary>
internal sealed class OciLayout
{
    private readonly Dictionary<LayerBuilder, (OciDescriptor Blob, string DiffId)> _layers = [];

    public OciLayout(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(BlobDirectory);
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
    }

    public string Directory { get; }

    private string BlobDirectory => Path.Combine(Directory, "blobs", "sha256");

    public OciDescriptor WriteJson(JsonNode document, string mediaType)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(document.ToJsonString());
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        var descriptor = new OciDescriptor(mediaType, digest, bytes.Length);
        File.WriteAllBytes(Path.Combine(BlobDirectory, descriptor.Hex), bytes);
        return descriptor;
    }

    /// <summary>Writes a layer once per layout, however many manifests use it.</summary>
    public (OciDescriptor Blob, string DiffId) WriteLayer(LayerBuilder layer, string mediaType)
    {
        if (_layers.TryGetValue(layer, out var written) && written.Blob.MediaType == mediaType)
        {
            return written;
        }

        var temp = Path.Combine(BlobDirectory, $".layer-{Guid.NewGuid():N}");
        string diffId;
        OciDescriptor blob;
        using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        using (var hashed = new HashingStream(file))
        {
            diffId = layer.WriteTo(hashed);
            hashed.Flush();
            blob = new OciDescriptor(mediaType, hashed.Digest(), hashed.BytesWritten);
        }

        File.Move(temp, Path.Combine(BlobDirectory, blob.Hex), overwrite: true);
        _layers[layer] = (blob, diffId);
        return (blob, diffId);
    }

    /// <summary>Writes <c>index.json</c> naming <paramref name="root"/> by <paramref name="refName"/> (what <c>oci:DIR:REF</c> selects).</summary>
    public void WriteIndex(OciDescriptor root, string refName)
    {
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(Json.Descriptor(root, new JsonObject { ["org.opencontainers.image.ref.name"] = refName })),
        };
        File.WriteAllText(Path.Combine(Directory, "index.json"), index.ToJsonString());
    }
}
