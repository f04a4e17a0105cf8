using System.Text.Json;
using System.Text.Json.Serialization;

namespace Minato.Docker.Images;

/// <summary>An image of <c>GET /images/json</c> and <c>/system/df</c>.</summary>
public sealed record ImageSummary
{
    public required string Id { get; init; }

    public string ParentId { get; init; } = "";

    public required IReadOnlyList<string> RepoTags { get; init; }

    public required IReadOnlyList<string> RepoDigests { get; init; }

    public long Created { get; init; }

    public long Size { get; init; }

    /// <summary>-1 unless computed (<c>/system/df</c>), as dockerd.</summary>
    public long SharedSize { get; init; } = -1;

    /// <summary>Sent only to clients older than API 1.44, which dropped it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? VirtualSize { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>-1 unless computed (<c>/system/df</c>), as dockerd.</summary>
    public long Containers { get; init; } = -1;
}

/// <summary><c>GET /images/{name}/json</c>.</summary>
public sealed record ImageInspect
{
    public required string Id { get; init; }

    public required IReadOnlyList<string> RepoTags { get; init; }

    public required IReadOnlyList<string> RepoDigests { get; init; }

    public string Parent { get; init; } = "";

    public string Comment { get; init; } = "";

    public string Created { get; init; } = "";

    public string DockerVersion { get; init; } = "";

    public string Author { get; init; } = "";

    public JsonElement? Config { get; init; }

    public string Architecture { get; init; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    public string Os { get; init; } = "";

    public long Size { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? VirtualSize { get; init; }

    public required GraphDriver GraphDriver { get; init; }

    public required RootFsShape RootFS { get; init; }

    public required ImageMetadata Metadata { get; init; }
}

/// <summary>The storage of an image or container as Docker names it (<c>overlay2</c> and its directories).</summary>
public sealed record GraphDriver(string Name, IReadOnlyDictionary<string, string> Data);

/// <summary>The layer DiffIDs of an image.</summary>
public sealed record RootFsShape(string Type, IReadOnlyList<string> Layers);

/// <summary>When the image was last tagged here.</summary>
public sealed record ImageMetadata(string LastTagTime);

/// <summary><c>POST /images/prune</c>: what went and the bytes the disk got back.</summary>
public sealed record PruneResponse(IReadOnlyList<DeleteItem>? ImagesDeleted, long SpaceReclaimed);

/// <summary>One entry of <c>GET /images/{name}/history</c>, newest first.</summary>
public sealed record HistoryItem(string Id, long Created, string CreatedBy, IReadOnlyList<string>? Tags, long Size, string Comment);

/// <summary>One line of <c>DELETE /images/{name}</c>: a name untagged or an image deleted.</summary>
public sealed record DeleteItem
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Untagged { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Deleted { get; init; }
}
