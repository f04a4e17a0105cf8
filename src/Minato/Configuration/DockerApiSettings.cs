namespace Minato.Configuration;

/// <summary>The <c>[docker_api]</c> table of <c>minato.toml</c>: the Docker Engine API listener, off by default.</summary>
public sealed record DockerApiSettings
{
    /// <summary>The socket <c>--docker-api</c> without a value and the default file's example name.</summary>
    public const string DefaultListen = "unix:///run/minato/docker.sock";

    /// <summary><c>unix:///absolute/path</c>, or <c>tcp://host:port</c> with all three TLS files; empty: no Docker API.</summary>
    public string Listen { get; init; } = "";

    /// <summary>Group (name or numeric id) the Unix socket is given to, mode 0660; empty keeps root's group.</summary>
    public string Group { get; init; } = "";

    /// <summary>PEM server certificate for a TCP listener.</summary>
    public string TlsCert { get; init; } = "";

    /// <summary>PEM private key of <see cref="TlsCert"/>.</summary>
    public string TlsKey { get; init; } = "";

    /// <summary>PEM CA bundle client certificates must chain to.</summary>
    public string TlsCa { get; init; } = "";

    /// <summary>The Linux bridge of the default <c>bridge</c> network.</summary>
    public string BridgeName { get; init; } = "minato0";

    /// <summary>The default <c>bridge</c> network's subnet: not dockerd's 172.17.0.0/16 nor Podman's 10.88.0.0/16.</summary>
    public string BridgeSubnet { get; init; } = "10.80.0.0/16";

    /// <summary>Where user-defined networks created without a subnet take a /24 from.</summary>
    public string NetworkPool { get; init; } = "10.81.0.0/16";

    /// <summary>How pod containers show through the Docker API: read-only (dockershim's names and labels; changes
    /// refused with 403) or hidden.</summary>
    public Docker.Containers.Pods.PodContainerMode PodContainers { get; init; } = Docker.Containers.Pods.PodContainerMode.ReadOnly;

    /// <summary>True when a listener is configured.</summary>
    public bool Enabled => Listen.Length > 0;

    /// <summary>True for a <c>unix://</c> listener.</summary>
    public bool IsUnix => Listen.StartsWith("unix://", StringComparison.Ordinal);

    /// <summary>Path of the Unix socket.</summary>
    public string SocketPath => Listen["unix://".Length..];
}
