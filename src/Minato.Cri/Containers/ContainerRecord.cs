using System.Text.Json.Serialization;

namespace Minato.Cri.Containers;

/// <summary>Where a container is in its life; persisted, so a restart knows what to finish or undo.</summary>
public enum ContainerPhase
{
    /// <summary>CreateContainer has started making it; a restart in this phase undoes everything.</summary>
    Creating,

    /// <summary>The runtime created it (conmon holds it); not started.</summary>
    Created,

    /// <summary>Started; it runs until conmon writes its exit file.</summary>
    Running,

    /// <summary>Its process ended; exit code and reason are known.</summary>
    Exited,
}

/// <summary>A container as Minato stores it.</summary>
public sealed record ContainerRecord
{
    public required string Id { get; init; }

    public required string PodId { get; init; }

    public required ContainerConfig Config { get; init; }

    /// <summary>The resolved image id (<c>sha256:...</c>).</summary>
    public required string ImageId { get; init; }

    /// <summary>The OCI runtime handler name (the pod's).</summary>
    public required string RuntimeHandler { get; init; }

    public required ContainerPhase Phase { get; init; }

    /// <summary>Unix nanoseconds.</summary>
    public required long CreatedAt { get; init; }

    public long StartedAt { get; init; }

    public long FinishedAt { get; init; }

    public int ExitCode { get; init; }

    /// <summary><c>Completed</c>, <c>Error</c> or <c>OOMKilled</c> once exited.</summary>
    public string Reason { get; init; } = string.Empty;

    public string Message { get; init; } = string.Empty;

    /// <summary>The bundle (config.json, mounted rootfs, conmon's files) under the state root.</summary>
    public required string BundleDirectory { get; init; }

    /// <summary>The writable layer (upper and work dirs) under the persistent root.</summary>
    public required string LayerDirectory { get; init; }

    /// <summary>The CRI log file conmon writes.</summary>
    public required string LogPath { get; init; }

    /// <summary>The signal StopContainer sends first, e.g. <c>SIGTERM</c>.</summary>
    public string StopSignal { get; init; } = "SIGTERM";

    /// <summary>The container init's host pid once created.</summary>
    public int Pid { get; init; }

    /// <summary>Its memory cgroup directory, read once created; where the kernel counts OOM kills (empty when unknown).</summary>
    public string MemoryCgroup { get; init; } = string.Empty;

    [JsonIgnore]
    public string RootfsPath => Path.Combine(BundleDirectory, "rootfs");

    /// <summary>Unique per pod, name and attempt: a second create with the same metadata is refused.</summary>
    [JsonIgnore]
    public string NameKey => NameKeyOf(PodId, Config.Metadata);

    public static string NameKeyOf(string podId, ContainerMetadata metadata) => $"{podId}/{metadata.Name}/{metadata.Attempt}";
}

/// <summary>Source-generated JSON for the container documents kept in the metadata store.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ContainerRecord))]
internal sealed partial class ContainerJsonContext : JsonSerializerContext;
