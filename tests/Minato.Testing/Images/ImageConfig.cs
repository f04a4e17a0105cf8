namespace Minato.Testing;

/// <summary>The runtime part of an image config (the <c>config</c> object): what a container of the image runs.</summary>
public sealed record ImageConfig
{
    public const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public IReadOnlyList<string>? Entrypoint { get; init; }

    public IReadOnlyList<string>? Cmd { get; init; }

    public IReadOnlyList<string> Env { get; init; } = [DefaultPath];

    public string? WorkingDir { get; init; }

    public string? User { get; init; }

    /// <summary>Container paths declared as volumes.</summary>
    public IReadOnlyList<string> Volumes { get; init; } = [];

    /// <summary>Ports such as <c>8080/tcp</c>.</summary>
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];

    public string? StopSignal { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>A Dockerfile <c>HEALTHCHECK CMD-SHELL</c> line, probed every <see cref="HealthcheckInterval"/>; null for none.</summary>
    public string? Healthcheck { get; init; }

    public TimeSpan HealthcheckInterval { get; init; } = TimeSpan.FromSeconds(1);
}
