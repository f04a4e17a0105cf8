namespace Minato.Docker.Daemon;

/// <summary><c>GET /version</c>.</summary>
public sealed record VersionResponse
{
    public required VersionPlatform Platform { get; init; }

    public required IReadOnlyList<VersionComponent> Components { get; init; }

    public required string Version { get; init; }

    public required string ApiVersion { get; init; }

    public required string MinAPIVersion { get; init; }

    public string GitCommit { get; init; } = "";

    public string GoVersion { get; init; } = "";

    public required string Os { get; init; }

    public required string Arch { get; init; }

    public required string KernelVersion { get; init; }

    public string BuildTime { get; init; } = "";
}

/// <summary>The server's product name, as <c>docker version</c> prints it after "Server:".</summary>
public sealed record VersionPlatform(string Name);

/// <summary>One component of the server; the first, "Engine", is what the CLI shows.</summary>
public sealed record VersionComponent(string Name, string Version, IReadOnlyDictionary<string, string> Details);
