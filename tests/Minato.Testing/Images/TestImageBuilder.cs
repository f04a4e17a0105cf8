using System.Globalization;
using System.Text.Json.Nodes;

namespace Minato.Testing;

/// <summary>Builds an OCI image layout directory from layers, a config and a platform; several builders make a multi-arch index.</summary>
/// <remarks>Everything is deterministic (fixed mtimes and timestamps, ordered JSON), so a recipe always has the same digests.</remarks>
public sealed class TestImageBuilder(ManifestFormat format = ManifestFormat.Oci)
{
    private readonly List<LayerBuilder> _layers = [];

    public ManifestFormat Format { get; } = format;

    public ImageConfig Config { get; set; } = new();

    public Platform Platform { get; set; } = Platform.LinuxAmd64;

    public IReadOnlyList<LayerBuilder> Layers => _layers;

    public TestImageBuilder Layer(LayerBuilder layer)
    {
        _layers.Add(layer);
        return this;
    }

    public TestImageBuilder Layer(LayerCompression compression, Action<LayerBuilder> fill, string? createdBy = null)
    {
        var layer = new LayerBuilder(compression) { CreatedBy = createdBy ?? "minato test image builder" };
        fill(layer);
        return Layer(layer);
    }

    /// <summary>Writes this image into a new layout at <paramref name="directory"/>, tagged <paramref name="refName"/> there.</summary>
    public Task<TestImage> BuildAsync(string directory, string refName = "latest", CancellationToken cancellationToken = default) =>
        Task.Run(() =>
        {
            var layout = new OciLayout(directory);
            var manifest = WriteManifest(layout, cancellationToken);
            layout.WriteIndex(manifest, refName);
            return TestImage.Load(directory, refName);
        }, cancellationToken);

    /// <summary>Writes an index (OCI) or manifest list (Docker) over <paramref name="platforms"/>; layers they share are stored once.</summary>
    public static Task<TestImage> BuildIndexAsync(string directory, ManifestFormat format, IReadOnlyList<TestImageBuilder> platforms,
        string refName = "latest", CancellationToken cancellationToken = default) =>
        Task.Run(() =>
        {
            var layout = new OciLayout(directory);
            var manifests = new JsonArray();
            foreach (var image in platforms)
            {
                if (image.Format != format)
                {
                    throw new ArgumentException($"the {image.Platform} image is {image.Format}, the index {format}", nameof(platforms));
                }

                var manifest = image.WriteManifest(layout, cancellationToken) with { Platform = image.Platform };
                manifests.Add(Json.Descriptor(manifest));
            }

            var index = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.Index(format), ["manifests"] = manifests };
            layout.WriteIndex(layout.WriteJson(index, MediaTypes.Index(format)), refName);
            return TestImage.Load(directory, refName);
        }, cancellationToken);

    private OciDescriptor WriteManifest(OciLayout layout, CancellationToken cancellationToken)
    {
        var layers = new List<OciDescriptor>();
        var diffIds = new List<string>();
        foreach (var layer in _layers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (blob, diffId) = layout.WriteLayer(layer, MediaTypes.Layer(Format, layer.Compression));
            layers.Add(blob);
            diffIds.Add(diffId);
        }

        var config = layout.WriteJson(ConfigDocument(diffIds), MediaTypes.Config(Format));
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.Manifest(Format),
            ["config"] = Json.Descriptor(config),
            ["layers"] = new JsonArray([.. layers.Select(l => (JsonNode)Json.Descriptor(l))]),
        };
        return layout.WriteJson(manifest, MediaTypes.Manifest(Format));
    }

    private JsonObject ConfigDocument(IEnumerable<string> diffIds)
    {
        var created = LayerBuilder.Epoch.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var document = new JsonObject { ["created"] = created, ["architecture"] = Platform.Architecture, ["os"] = Platform.Os };
        if (Platform.Variant is not null)
        {
            document["variant"] = Platform.Variant;
        }

        document["config"] = Json.RuntimeConfig(Config);
        document["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = Json.Strings(diffIds) };
        document["history"] = new JsonArray([.. _layers.Select(l => (JsonNode)new JsonObject { ["created"] = created, ["created_by"] = l.CreatedBy })]);
        return document;
    }
}
