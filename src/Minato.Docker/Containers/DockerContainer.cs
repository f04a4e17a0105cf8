using System.Text.Json.Serialization;
using Minato.Docker.Networks;

namespace Minato.Docker.Containers;

/// <summary>The Docker door's record of one of its containers (table <c>docker_containers</c>); the engine keeps the
/// state under the same id.</summary>
public sealed record DockerContainer
{
    private readonly IReadOnlyList<VolumeMount> _volumes = [];

    /// <summary>The engine container's id.</summary>
    public required string Id { get; init; }

    /// <summary>The name with its leading <c>/</c>, unique among Docker containers.</summary>
    public required string Name { get; init; }

    /// <summary>The image as the request named it (shown in <c>docker ps</c>).</summary>
    public required string ImageName { get; init; }

    /// <summary>The image id (<c>sha256:...</c>).</summary>
    public required string ImageId { get; init; }

    /// <summary>The request's Config, kept for inspect.</summary>
    public required ContainerConfig Config { get; init; }

    /// <summary>The request's HostConfig, kept for inspect and restarts.</summary>
    public required HostConfig HostConfig { get; init; }

    /// <summary>NetworkingConfig.EndpointsConfig as asked.</summary>
    public Dictionary<string, EndpointSettings?> Endpoints { get; init; } = [];

    /// <summary>The process as the spec runs it: its path and arguments.</summary>
    public string Path { get; init; } = string.Empty;

    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Disconnected from its NetworkMode's network (<c>docker network disconnect</c>): it joins only its endpoints'
    /// networks until connected to it again.</summary>
    public bool ModeNetworkDetached { get; init; }

    /// <summary>Unix nanoseconds.</summary>
    public long Created { get; init; }

    /// <summary>Where the per-container files (hosts, hostname, resolv.conf) live.</summary>
    public required string Directory { get; init; }

    /// <summary>What connecting gave it while it runs; empty while stopped.</summary>
    public ContainerNetworkState Network { get; init; } = ContainerNetworkState.Empty;

    /// <summary>Restarts made by its restart policy since it was last started by hand.</summary>
    public int RestartCount { get; init; }

    /// <summary>Stopped by a client: <c>unless-stopped</c> and <c>always</c> leave it stopped (always until the daemon restarts).</summary>
    public bool ManuallyStopped { get; init; }

    /// <summary>Started at least once (a created, never started container is not restarted by a policy).</summary>
    public bool HasBeenStarted { get; init; }

    /// <summary>Started and its exit not yet handled (networks, auto-remove, restart policy); recovery finishes that.</summary>
    public bool ExpectRunning { get; init; }

    /// <summary>Named and anonymous volumes mounted into it, with their host paths (empty for rows stored before volumes
    /// were served).</summary>
    public IReadOnlyList<VolumeMount> Volumes
    {
        get => _volumes;
        init => _volumes = value ?? [];
    }

    /// <summary>Its processes are frozen (docker pause).</summary>
    public bool Paused { get; init; }

    /// <summary>The name without its leading <c>/</c>.</summary>
    [JsonIgnore]
    public string ShortName => Name.TrimStart('/');

    [JsonIgnore]
    public string HostsPath => System.IO.Path.Combine(Directory, "hosts");

    [JsonIgnore]
    public string HostnamePath => System.IO.Path.Combine(Directory, "hostname");

    [JsonIgnore]
    public string ResolvConfPath => System.IO.Path.Combine(Directory, "resolv.conf");
}

/// <summary>Source-generated JSON for the Docker door's stored records (property names as Docker spells them).</summary>
[JsonSerializable(typeof(DockerContainer))]
public sealed partial class DockerContainerJsonContext : JsonSerializerContext;

/// <summary>A volume mounted into a container.</summary>
/// <param name="Name">The volume's name (64 hex digits for an anonymous one).</param>
/// <param name="Destination">Where it appears in the container.</param>
/// <param name="ReadOnly">Mounted read-only.</param>
/// <param name="HostPath">The volume's data directory on the host.</param>
/// <param name="Anonymous">Made for this container (image VOLUME, <c>-v /path</c>); removed with it by <c>rm -v</c> and <c>--rm</c>.</param>
/// <param name="NoCopy">The image's content at the destination is not copied into the volume when it is empty.</param>
public sealed record VolumeMount(string Name, string Destination, bool ReadOnly, string HostPath, bool Anonymous, bool NoCopy = false);
