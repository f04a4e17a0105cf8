namespace Minato.Docker;

/// <summary>What the daemon tells the Docker front door about itself, for <c>/version</c> and <c>/info</c>.</summary>
public sealed record DockerHostOptions
{
    /// <summary>The daemon's persistent data directory (Docker's <c>DockerRootDir</c>).</summary>
    public required string RootDirectory { get; init; }

    /// <summary><c>cgroupfs</c> or <c>systemd</c>.</summary>
    public required string CgroupDriver { get; init; }

    /// <summary><c>2</c> on a unified hierarchy, <c>1</c> otherwise.</summary>
    public required string CgroupVersion { get; init; }

    /// <summary>OCI runtime handlers by name, with their executable.</summary>
    public required IReadOnlyDictionary<string, string> Runtimes { get; init; }

    public required string DefaultRuntime { get; init; }

    /// <summary>How pod containers are shown (<c>docker_api.pod_containers</c>); read-only by default.</summary>
    public Containers.Pods.PodContainerMode PodContainers { get; init; } = Containers.Pods.PodContainerMode.ReadOnly;

    /// <summary>Largest build context <c>POST /build</c> takes (the tar as unpacked); 8 GiB by default.</summary>
    public long MaxBuildContextBytes { get; init; } = 8L << 30;
}
