using System.Text.Json;
using System.Text.Json.Serialization;

namespace Minato.Engine.Images.Manifests;

/// <summary>A content descriptor: what a manifest or index says about a blob it points to.</summary>
public sealed record Descriptor
{
    public string MediaType { get; init; } = "";

    public string Digest { get; init; } = "";

    public long Size { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Platform? Platform { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Urls { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ArtifactType { get; init; }
}

/// <summary>The platform of an index entry or an image config.</summary>
public sealed record Platform
{
    public string Architecture { get; init; } = "";

    public string Os { get; init; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    public override string ToString() => $"{Os}/{Architecture}" + (Variant is { Length: > 0 } v ? "/" + v : "");
}

/// <summary>The fields shared by manifests and indexes, read before the kind of document is known.</summary>
public sealed record ManifestDocument
{
    public int SchemaVersion { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MediaType { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ArtifactType { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Descriptor? Config { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Descriptor>? Layers { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Descriptor>? Manifests { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

/// <summary>The parts of an image config (OCI image-spec config.md) Minato reads.</summary>
public sealed record ImageConfig
{
    public string? Architecture { get; init; }

    public string? Os { get; init; }

    public string? Variant { get; init; }

    public DateTimeOffset? Created { get; init; }

    public string? Author { get; init; }

    public ContainerConfig? Config { get; init; }

    public RootFs? Rootfs { get; init; }

    public IReadOnlyList<HistoryEntry>? History { get; init; }
}

/// <summary>The execution defaults of an image config.</summary>
public sealed record ContainerConfig
{
    [JsonPropertyName("User")]
    public string? User { get; init; }

    [JsonPropertyName("Env")]
    public IReadOnlyList<string>? Env { get; init; }

    [JsonPropertyName("Entrypoint")]
    public IReadOnlyList<string>? Entrypoint { get; init; }

    [JsonPropertyName("Cmd")]
    public IReadOnlyList<string>? Cmd { get; init; }

    [JsonPropertyName("WorkingDir")]
    public string? WorkingDir { get; init; }

    [JsonPropertyName("StopSignal")]
    public string? StopSignal { get; init; }

    [JsonPropertyName("Labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    [JsonPropertyName("ExposedPorts")]
    public IReadOnlyDictionary<string, JsonElement>? ExposedPorts { get; init; }

    [JsonPropertyName("Volumes")]
    public IReadOnlyDictionary<string, JsonElement>? Volumes { get; init; }
}

/// <summary>The layer DiffIDs of an image config.</summary>
public sealed record RootFs
{
    public string Type { get; init; } = "";

    [JsonPropertyName("diff_ids")]
    public IReadOnlyList<string> DiffIds { get; init; } = [];
}

/// <summary>One step of an image's build history.</summary>
public sealed record HistoryEntry
{
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; init; }

    public string? Comment { get; init; }

    [JsonPropertyName("empty_layer")]
    public bool EmptyLayer { get; init; }
}

/// <summary>An OCI layout's <c>oci-layout</c> file.</summary>
public sealed record OciLayoutFile
{
    public string ImageLayoutVersion { get; init; } = "1.0.0";
}

/// <summary>One entry of a <c>docker save</c> archive's <c>manifest.json</c>.</summary>
public sealed record DockerArchiveEntry
{
    [JsonPropertyName("Config")]
    public string Config { get; init; } = "";

    [JsonPropertyName("RepoTags")]
    public IReadOnlyList<string>? RepoTags { get; init; }

    [JsonPropertyName("Layers")]
    public IReadOnlyList<string> Layers { get; init; } = [];
}

/// <summary>Source-generated JSON for OCI and Docker image documents.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ManifestDocument))]
[JsonSerializable(typeof(ImageConfig))]
[JsonSerializable(typeof(OciLayoutFile))]
[JsonSerializable(typeof(IReadOnlyList<DockerArchiveEntry>))]
public sealed partial class OciJsonContext : JsonSerializerContext;
