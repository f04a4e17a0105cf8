using System.Text.Json.Serialization;

namespace Minato.Docker.Containers;

/// <summary>The answer to a create.</summary>
public sealed record ContainerCreateResponse(string Id, IReadOnlyList<string> Warnings);

/// <summary>The answer to a wait.</summary>
public sealed record WaitResponse(int StatusCode, WaitError? Error);

/// <summary>The error of a wait (always null here: exit codes are always known or 255).</summary>
public sealed record WaitError(string Message);

/// <summary>The answer to a container prune.</summary>
public sealed record ContainerPruneResponse(IReadOnlyList<string> ContainersDeleted, long SpaceReclaimed);

/// <summary>The answer to top: ps's titles and rows.</summary>
public sealed record TopResponse(IReadOnlyList<string> Titles, IReadOnlyList<IReadOnlyList<string>> Processes);

/// <summary>One port as ps and inspect show it.</summary>
public sealed record PortSummary
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IP { get; init; }

    public int PrivatePort { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int PublicPort { get; init; }

    public required string Type { get; init; }
}

/// <summary>One mount as ps and inspect show it.</summary>
public sealed record MountPoint
{
    public required string Type { get; init; }

    public string Name { get; init; } = string.Empty;

    public required string Source { get; init; }

    public required string Destination { get; init; }

    public string Driver { get; init; } = string.Empty;

    public string Mode { get; init; } = string.Empty;

    public bool RW { get; init; }

    public string Propagation { get; init; } = string.Empty;
}

/// <summary>One network endpoint as ps and inspect show it.</summary>
public sealed record EndpointSummary
{
    public IReadOnlyList<string>? Aliases { get; init; }

    public string NetworkID { get; init; } = string.Empty;

    public string EndpointID { get; init; } = string.Empty;

    public string Gateway { get; init; } = string.Empty;

    public string IPAddress { get; init; } = string.Empty;

    public int IPPrefixLen { get; init; }

    public string MacAddress { get; init; } = string.Empty;
}

/// <summary>NetworkSettings of ps (<c>Networks</c> only).</summary>
public sealed record SummaryNetworkSettings(IReadOnlyDictionary<string, EndpointSummary> Networks);

/// <summary>HostConfig of ps.</summary>
public sealed record SummaryHostConfig(string NetworkMode);

/// <summary>One row of <c>GET /containers/json</c>.</summary>
public sealed record ContainerSummary
{
    public required string Id { get; init; }

    public required IReadOnlyList<string> Names { get; init; }

    public required string Image { get; init; }

    public required string ImageID { get; init; }

    public required string Command { get; init; }

    public long Created { get; init; }

    public required IReadOnlyList<PortSummary> Ports { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? SizeRw { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? SizeRootFs { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public required string State { get; init; }

    public required string Status { get; init; }

    public required SummaryHostConfig HostConfig { get; init; }

    public required SummaryNetworkSettings NetworkSettings { get; init; }

    public required IReadOnlyList<MountPoint> Mounts { get; init; }
}
