using System.Text.Json;

namespace Minato.Docker.Containers;

/// <summary>Docker's container <c>Config</c>: what the image and the request say the process is (shown in inspect).</summary>
public sealed record ContainerConfig
{
    public string? Hostname { get; init; }

    public string? Domainname { get; init; }

    public string? User { get; init; }

    public bool AttachStdin { get; init; }

    public bool AttachStdout { get; init; }

    public bool AttachStderr { get; init; }

    public Dictionary<string, JsonElement>? ExposedPorts { get; init; }

    public bool Tty { get; init; }

    public bool OpenStdin { get; init; }

    public bool StdinOnce { get; init; }

    public List<string>? Env { get; init; }

    public List<string>? Cmd { get; init; }

    public string? Image { get; init; }

    public Dictionary<string, JsonElement>? Volumes { get; init; }

    public string? WorkingDir { get; init; }

    public List<string>? Entrypoint { get; init; }

    public bool? NetworkDisabled { get; init; }

    public Dictionary<string, string>? Labels { get; init; }

    public string? StopSignal { get; init; }

    /// <summary>Seconds a stop waits before SIGKILL; null for the default of 10.</summary>
    public int? StopTimeout { get; init; }

    /// <summary>The health check: the request's merged over the image's at create; null when neither has one.</summary>
    public HealthConfig? Healthcheck { get; init; }
}

/// <summary>The body of <c>POST /containers/create</c>: the Config fields at the top level, plus HostConfig and NetworkingConfig.</summary>
public sealed record ContainerCreateRequest
{
    public string? Hostname { get; init; }

    public string? Domainname { get; init; }

    public string? User { get; init; }

    public bool AttachStdin { get; init; }

    public bool AttachStdout { get; init; }

    public bool AttachStderr { get; init; }

    public Dictionary<string, JsonElement>? ExposedPorts { get; init; }

    public bool Tty { get; init; }

    public bool OpenStdin { get; init; }

    public bool StdinOnce { get; init; }

    public List<string>? Env { get; init; }

    public List<string>? Cmd { get; init; }

    public string? Image { get; init; }

    public Dictionary<string, JsonElement>? Volumes { get; init; }

    public string? WorkingDir { get; init; }

    public List<string>? Entrypoint { get; init; }

    public bool? NetworkDisabled { get; init; }

    public Dictionary<string, string>? Labels { get; init; }

    public string? StopSignal { get; init; }

    public int? StopTimeout { get; init; }

    public HealthConfig? Healthcheck { get; init; }

    public HostConfig? HostConfig { get; init; }

    public NetworkingConfig? NetworkingConfig { get; init; }

    /// <summary>The Config part of the request.</summary>
    public ContainerConfig Config() => new()
    {
        Hostname = Hostname,
        Domainname = Domainname,
        User = User,
        AttachStdin = AttachStdin,
        AttachStdout = AttachStdout,
        AttachStderr = AttachStderr,
        ExposedPorts = ExposedPorts,
        Tty = Tty,
        OpenStdin = OpenStdin,
        StdinOnce = StdinOnce,
        Env = Env,
        Cmd = Cmd,
        Image = Image,
        Volumes = Volumes,
        WorkingDir = WorkingDir,
        Entrypoint = Entrypoint,
        NetworkDisabled = NetworkDisabled,
        Labels = Labels,
        StopSignal = StopSignal,
        StopTimeout = StopTimeout,
        Healthcheck = Healthcheck,
    };
}

/// <summary>NetworkingConfig of a create request.</summary>
public sealed record NetworkingConfig
{
    public Dictionary<string, EndpointSettings?>? EndpointsConfig { get; init; }
}

/// <summary>An endpoint as asked for in NetworkingConfig.</summary>
public sealed record EndpointSettings
{
    public List<string>? Aliases { get; init; }

    public EndpointIpamConfig? IPAMConfig { get; init; }
}

/// <summary>A fixed address asked for an endpoint.</summary>
public sealed record EndpointIpamConfig
{
    public string? IPv4Address { get; init; }
}

/// <summary>Docker's HostConfig: what the host gives the container (mounts, resources, security, networks, restarts).</summary>
public sealed record HostConfig
{
    private readonly LogConfig _logConfig = new();

    public List<string>? Binds { get; init; }

    public string? NetworkMode { get; init; }

    public Dictionary<string, List<PortBinding>?>? PortBindings { get; init; }

    public RestartPolicy? RestartPolicy { get; init; }

    /// <summary>The log driver: <c>json-file</c> when the request names none (docker-py reads it to decide whether
    /// <c>containers.run</c> returns the output); the logs are served the same whatever it says.</summary>
    public LogConfig LogConfig
    {
        get => _logConfig;
        init => _logConfig = value is { Type.Length: > 0 } ? value : new LogConfig { Config = value?.Config ?? [] };
    }

    public bool AutoRemove { get; init; }

    public List<MountRequest>? Mounts { get; init; }

    public List<string>? CapAdd { get; init; }

    public List<string>? CapDrop { get; init; }

    public List<string>? Dns { get; init; }

    public List<string>? DnsOptions { get; init; }

    public List<string>? DnsSearch { get; init; }

    public List<string>? ExtraHosts { get; init; }

    public bool? Init { get; init; }

    public bool Privileged { get; init; }

    public bool PublishAllPorts { get; init; }

    public bool ReadonlyRootfs { get; init; }

    public List<string>? SecurityOpt { get; init; }

    public Dictionary<string, string>? Tmpfs { get; init; }

    public long ShmSize { get; init; }

    public long Memory { get; init; }

    public long MemorySwap { get; init; }

    public long NanoCpus { get; init; }

    public long CpuShares { get; init; }

    public long CpuQuota { get; init; }

    public long CpuPeriod { get; init; }

    public long? PidsLimit { get; init; }

    public List<DeviceMapping>? Devices { get; init; }

    public List<string>? VolumesFrom { get; init; }

    public string? Runtime { get; init; }

    public List<int>? ConsoleSize { get; init; }
}

/// <summary>A host port binding of PortBindings.</summary>
public sealed record PortBinding
{
    public string? HostIp { get; init; }

    public string? HostPort { get; init; }
}

/// <summary>HostConfig.RestartPolicy: <c>no</c>, <c>always</c>, <c>unless-stopped</c>, <c>on-failure</c> (with a retry bound).</summary>
public sealed record RestartPolicy
{
    public string? Name { get; init; }

    public int MaximumRetryCount { get; init; }
}

/// <summary>One entry of HostConfig.Mounts.</summary>
public sealed record MountRequest
{
    public string? Type { get; init; }

    public string? Source { get; init; }

    public string? Target { get; init; }

    public bool ReadOnly { get; init; }

    public TmpfsOptions? TmpfsOptions { get; init; }

    public VolumeOptions? VolumeOptions { get; init; }
}

/// <summary>Options of a volume mount (<c>NoCopy</c>: the image's content at the path is not copied into a new volume).</summary>
public sealed record VolumeOptions
{
    public bool NoCopy { get; init; }
}

/// <summary>Options of a tmpfs mount.</summary>
public sealed record TmpfsOptions
{
    public long SizeBytes { get; init; }

    public int Mode { get; init; }
}

/// <summary>One entry of HostConfig.Devices.</summary>
public sealed record DeviceMapping
{
    public string? PathOnHost { get; init; }

    public string? PathInContainer { get; init; }

    public string? CgroupPermissions { get; init; }
}

/// <summary>HostConfig.LogConfig: the log driver and its options.</summary>
public sealed record LogConfig
{
    private readonly Dictionary<string, string> _config = [];

    public string Type { get; init; } = "json-file";

    public Dictionary<string, string> Config
    {
        get => _config;
        init => _config = value ?? [];
    }
}
