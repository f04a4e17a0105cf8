using System.Text.Json.Serialization;

namespace Minato.Engine.Images.Store;

/// <summary>A stored image. Its id is the config digest (the CRI image id); names are kept by the store.</summary>
public sealed record ImageRecord
{
    /// <summary>The config digest, <c>sha256:...</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Digest of the platform manifest the image was unpacked from.</summary>
    public required string ManifestDigest { get; init; }

    public required string ManifestMediaType { get; init; }

    /// <summary>The layers, bottom first.</summary>
    public required IReadOnlyList<ImageLayer> Layers { get; init; }

    /// <summary>Every content blob the image keeps (index, manifest, config, layer blobs).</summary>
    public required IReadOnlyList<string> Blobs { get; init; }

    /// <summary>Uncompressed bytes of all layers.</summary>
    public long Size { get; init; }

    /// <summary>The config's <c>User</c>, as written (<c>name</c>, <c>uid</c>, <c>uid:gid</c>); null when unset.</summary>
    public string? User { get; init; }

    public string Platform { get; init; } = "";

    /// <summary>When the image was recorded here (Unix nanoseconds).</summary>
    public long RecordedAt { get; init; }

    /// <summary>Tags (<c>registry/repo:tag</c>); filled from the store's names, not from the document.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> RepoTags { get; init; } = [];

    /// <summary>Repo digests (<c>registry/repo@sha256:...</c>); filled from the store's names.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> RepoDigests { get; init; } = [];
}

/// <summary>One layer: its blob, its DiffID and the snapshot directory holding it unpacked.</summary>
public sealed record ImageLayer(string Digest, string MediaType, long Size, string DiffId, string Snapshot);

/// <summary>Source-generated JSON for image documents in the metadata store.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ImageRecord))]
internal sealed partial class ImageJsonContext : JsonSerializerContext;
