using System.Text.Json.Serialization;
using Minato.Docker.Images;

namespace Minato.Docker.Containers;

/// <summary>State of inspect.</summary>
public sealed record ContainerState
{
    public required string Status { get; init; }

    public bool Running { get; init; }

    public bool Paused { get; init; }

    public bool Restarting { get; init; }

    public bool OOMKilled { get; init; }

    public bool Dead { get; init; }

    public int Pid { get; init; }

    public int ExitCode { get; init; }

    public string Error { get; init; } = string.Empty;

    public required string StartedAt { get; init; }

    public required string FinishedAt { get; init; }

    /// <summary>The health check's state; absent when the container has none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public HealthState? Health { get; init; }
}

/// <summary>NetworkSettings of inspect.</summary>
public sealed record InspectNetworkSettings
{
    public string Bridge { get; init; } = string.Empty;

    public string SandboxID { get; init; } = string.Empty;

    public string SandboxKey { get; init; } = string.Empty;

    public required IReadOnlyDictionary<string, IReadOnlyList<PortBinding>?> Ports { get; init; }

    public string Gateway { get; init; } = string.Empty;

    public string IPAddress { get; init; } = string.Empty;

    public int IPPrefixLen { get; init; }

    public string MacAddress { get; init; } = string.Empty;

    public required IReadOnlyDictionary<string, EndpointSummary> Networks { get; init; }
}

/// <summary>The answer to <c>GET /containers/{id}/json</c>.</summary>
public sealed record ContainerInspect
{
    public required string Id { get; init; }

    public required string Created { get; init; }

    public required string Path { get; init; }

    public required IReadOnlyList<string> Args { get; init; }

    public required ContainerState State { get; init; }

    public required string Image { get; init; }

    public required string ResolvConfPath { get; init; }

    public required string HostnamePath { get; init; }

    public required string HostsPath { get; init; }

    public required string LogPath { get; init; }

    public required string Name { get; init; }

    public int RestartCount { get; init; }

    public string Driver { get; init; } = "overlay2";

    public string Platform { get; init; } = "linux";

    public string MountLabel { get; init; } = string.Empty;

    public string ProcessLabel { get; init; } = string.Empty;

    public string AppArmorProfile { get; init; } = string.Empty;

    public IReadOnlyList<string>? ExecIDs { get; init; }

    public required HostConfig HostConfig { get; init; }

    public required GraphDriver GraphDriver { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? SizeRw { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? SizeRootFs { get; init; }

    public required IReadOnlyList<MountPoint> Mounts { get; init; }

    public required ContainerConfig Config { get; init; }

    public required InspectNetworkSettings NetworkSettings { get; init; }
}
