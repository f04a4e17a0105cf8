using System.Text.Json.Serialization;
using Minato.Engine.Containers;

namespace Minato.Cri.Containers;

/// <summary>What the CRI layer keeps of a container beside the engine's record under the same id: its pod and the
/// CreateContainer request (metadata, labels, annotations, mounts, log path, resources).</summary>
public sealed record CriContainer
{
    public required string Id { get; init; }

    public required string PodId { get; init; }

    public required ContainerConfig Config { get; init; }

    /// <summary>Unique per pod, name and attempt: a second create with the same metadata is refused.</summary>
    [JsonIgnore]
    public string NameKey => NameKeyOf(PodId, Config.Metadata);

    public static string NameKeyOf(string podId, ContainerMetadata metadata) => $"{podId}/{metadata.Name}/{metadata.Attempt}";
}

/// <summary>A pod's container as the CRI sees it: the CRI layer's record joined with the engine's state.</summary>
/// <param name="Entry">The CRI layer's record.</param>
/// <param name="State">The engine's record, its exit folded in.</param>
public sealed record PodContainer(CriContainer Entry, ContainerRecord State)
{
    public string Id => Entry.Id;

    public string PodId => Entry.PodId;

    public ContainerConfig Config => Entry.Config;

    public string NameKey => Entry.NameKey;

    public ContainerPhase Phase => State.Phase;

    /// <summary>Unix nanoseconds.</summary>
    public long CreatedAt => State.CreatedAt;

    public long StartedAt => State.StartedAt;

    public long FinishedAt => State.FinishedAt;

    public int ExitCode => State.ExitCode;

    /// <summary><c>Completed</c>, <c>Error</c> or <c>OOMKilled</c> once exited.</summary>
    public string Reason => State.Reason;

    public string Message => State.Message;

    /// <summary>The resolved image id (<c>sha256:...</c>).</summary>
    public string ImageId => State.ImageId;

    public string RuntimeHandler => State.RuntimeHandler;

    /// <summary>The CRI log file the monitor writes.</summary>
    public string LogPath => State.LogPath;

    public string BundleDirectory => State.BundleDirectory;

    public string LayerDirectory => State.LayerDirectory;

    /// <summary>The container init's host pid once created.</summary>
    public int Pid => State.Pid;
}

/// <summary>Source-generated JSON for the CRI container documents kept in the metadata store.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CriContainer))]
internal sealed partial class CriContainerJsonContext : JsonSerializerContext;
