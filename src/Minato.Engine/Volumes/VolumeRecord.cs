using System.Text.Json.Serialization;

namespace Minato.Engine.Volumes;

/// <summary>A named volume: a directory under Minato's root that containers bind, kept until removed.</summary>
public sealed record VolumeRecord
{
    /// <summary>The name (<see cref="VolumeName"/> rules); also the directory name.</summary>
    public required string Name { get; init; }

    /// <summary>The driver; only <c>local</c> exists.</summary>
    public string Driver { get; init; } = VolumeService.LocalDriver;

    /// <summary>The directory containers bind (<c>&lt;root&gt;/volumes/&lt;name&gt;/_data</c>).</summary>
    public required string Mountpoint { get; init; }

    /// <summary>When the volume was created (Unix nanoseconds).</summary>
    public long CreatedAt { get; init; }

    /// <summary>True when the engine named it (a 64-hex name for a volume nobody named, like an image's VOLUME).</summary>
    public bool Anonymous { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Driver options as given (the local driver accepts none yet).</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>The containers that use it, in the order they acquired it.</summary>
    public IReadOnlyList<string> Users { get; init; } = [];
}

/// <summary>What happened to a volume, for event streams.</summary>
public enum VolumeChangeKind
{
    Created,
    Removed,

    /// <summary>A container acquired it (<see cref="VolumeChange.ContainerId"/>).</summary>
    Mounted,

    /// <summary>A container released it (<see cref="VolumeChange.ContainerId"/>).</summary>
    Unmounted,
}

/// <summary>A change of one volume.</summary>
/// <param name="Volume">The volume after the change (as it was last, for <see cref="VolumeChangeKind.Removed"/>).</param>
/// <param name="Kind">What happened.</param>
/// <param name="ContainerId">The container of a mount or unmount; null otherwise.</param>
public sealed record VolumeChange(VolumeRecord Volume, VolumeChangeKind Kind, string? ContainerId);

/// <summary>Source-generated JSON for volume documents in the metadata store.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(VolumeRecord))]
internal sealed partial class VolumeJsonContext : JsonSerializerContext;
