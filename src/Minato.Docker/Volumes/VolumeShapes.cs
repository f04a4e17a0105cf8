using System.Text.Json.Serialization;

namespace Minato.Docker.Volumes;

/// <summary>A volume as <c>GET /volumes/{name}</c>, the list and <c>/system/df</c> show it.</summary>
public sealed record Volume
{
    public required string Name { get; init; }

    public required string Driver { get; init; }

    public required string Mountpoint { get; init; }

    /// <summary>RFC 3339, as dockerd's local driver gives it.</summary>
    public required string CreatedAt { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public string Scope { get; init; } = "local";

    public required IReadOnlyDictionary<string, string> Options { get; init; }

    /// <summary>Only in <c>/system/df</c>, where sizes are computed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VolumeUsage? UsageData { get; init; }
}

/// <summary>What a volume holds and how many containers use it (<c>-1</c>: not computed).</summary>
public sealed record VolumeUsage(long Size, long RefCount);

/// <summary><c>GET /volumes</c>.</summary>
public sealed record VolumeListResponse(IReadOnlyList<Volume> Volumes, IReadOnlyList<string> Warnings);

/// <summary>The body of <c>POST /volumes/create</c>.</summary>
public sealed record VolumeCreateRequest
{
    public string? Name { get; init; }

    public string? Driver { get; init; }

    public Dictionary<string, string>? DriverOpts { get; init; }

    public Dictionary<string, string>? Labels { get; init; }
}

/// <summary><c>POST /volumes/prune</c>.</summary>
public sealed record VolumePruneResponse(IReadOnlyList<string>? VolumesDeleted, long SpaceReclaimed);
