using System.Text.Json.Serialization;

namespace Minato.Engine.Containers;

/// <summary>Where a container is in its life; persisted, so a restart knows what to finish or undo.</summary>
public enum ContainerPhase
{
    /// <summary>Being made; a restart in this phase undoes everything.</summary>
    Creating,

    /// <summary>The runtime created it (its monitor holds it); not started.</summary>
    Created,

    /// <summary>Started; it runs until the monitor writes its exit file.</summary>
    Running,

    /// <summary>Its process ended; exit code and reason are known.</summary>
    Exited,
}

/// <summary>A container as the engine keeps it: its state and the host resources it holds, nothing of any front door.</summary>
public sealed record ContainerRecord
{
    private readonly IReadOnlyList<ContainerImageMount> _imageMounts = [];
    private readonly string _checkpointImages = string.Empty;

    public required string Id { get; init; }

    /// <summary>The front door that made it (<c>cri</c>, <c>docker</c>); each lists only its own.</summary>
    public required string Owner { get; init; }

    /// <summary>A readable name for the monitor's logs.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The image id (<c>sha256:...</c>) whose layers its rootfs stacks.</summary>
    public required string ImageId { get; init; }

    /// <summary>The OCI runtime handler name.</summary>
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

    /// <summary>The bundle (config.json, mounted rootfs, the monitor's files) under the state root.</summary>
    public required string BundleDirectory { get; init; }

    /// <summary>The writable layer (upper and work dirs) under the persistent root.</summary>
    public required string LayerDirectory { get; init; }

    /// <summary>The log file the monitor writes.</summary>
    public required string LogPath { get; init; }

    /// <summary>The signal a stop sends first, e.g. <c>SIGTERM</c>.</summary>
    public string StopSignal { get; init; } = "SIGTERM";

    /// <summary>The container init's host pid once created.</summary>
    public int Pid { get; init; }

    /// <summary>Its memory cgroup directory, read once created; where the kernel counts OOM kills (empty when unknown).</summary>
    public string MemoryCgroup { get; init; } = string.Empty;

    /// <summary>Images shown read-only inside it, with the host mounts of their overlays (removal and recovery read these).</summary>
    /// <remarks>Never null: records stored before image volumes existed have none, and the JSON reader sets null then.</remarks>
    public IReadOnlyList<ContainerImageMount> ImageMounts
    {
        get => _imageMounts;
        init => _imageMounts = value ?? [];
    }

    /// <summary>CRIU's images of the checkpoint that start restores instead of starting afresh; empty when there is
    /// none (made from the image alone, or already restored).</summary>
    /// <remarks>Never null: records stored before restore existed lack it, and the JSON reader sets null then.</remarks>
    public string CheckpointImages
    {
        get => _checkpointImages;
        init => _checkpointImages = value ?? string.Empty;
    }

    /// <summary>The pinned user namespace it joins, or null for the host's (recovery remounts its image volumes id-mapped).</summary>
    public ContainerUserNamespace? UserNamespace { get; init; }

    /// <summary>Its stdio is a terminal.</summary>
    public bool Tty { get; init; }

    /// <summary>It has a stdin that attach can write to.</summary>
    public bool Stdin { get; init; }

    /// <summary>Its stdin closes when the first attach client leaves.</summary>
    public bool StdinOnce { get; init; }

    [JsonIgnore]
    public string RootfsPath => Path.Combine(BundleDirectory, "rootfs");

    /// <summary>Where the id-mapped clones of its bind mount sources are attached, one entry each, when it has a user namespace.</summary>
    [JsonIgnore]
    public string IdMappedDirectory => Path.Combine(BundleDirectory, "idmap");

    /// <summary>The unpacked checkpoint archive a restore-pending container holds beside its writable layer (on the
    /// persistent root, like the staging directory it is moved from).</summary>
    [JsonIgnore]
    public string CheckpointDirectory => Path.Combine(LayerDirectory, "restore");

    /// <summary>True while it may have a process (created or running).</summary>
    [JsonIgnore]
    public bool IsLive => Phase is ContainerPhase.Created or ContainerPhase.Running;
}

/// <summary>Source-generated JSON for the container documents kept in the metadata store.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ContainerRecord))]
public sealed partial class ContainerJsonContext : JsonSerializerContext;
