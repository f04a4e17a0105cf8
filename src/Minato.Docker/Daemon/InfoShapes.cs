using System.Text.Json.Serialization;
using Minato.Docker.Images;

namespace Minato.Docker.Daemon;

/// <summary><c>GET /info</c>, with the fields <c>docker info</c> prints.</summary>
public sealed record InfoResponse
{
    public required string ID { get; init; }

    public int Containers { get; init; }

    public int ContainersRunning { get; init; }

    public int ContainersPaused { get; init; }

    public int ContainersStopped { get; init; }

    public int Images { get; init; }

    public required string Driver { get; init; }

    public required IReadOnlyList<IReadOnlyList<string>> DriverStatus { get; init; }

    public required PluginsInfo Plugins { get; init; }

    public bool MemoryLimit { get; init; }

    public bool SwapLimit { get; init; }

    public bool CpuCfsPeriod { get; init; }

    public bool CpuCfsQuota { get; init; }

    public bool CPUShares { get; init; }

    public bool CPUSet { get; init; }

    public bool PidsLimit { get; init; }

    public bool IPv4Forwarding { get; init; }

    public bool Debug { get; init; }

    public int NFd { get; init; }

    public bool OomKillDisable { get; init; }

    public int NGoroutines { get; init; }

    public required string SystemTime { get; init; }

    public required string LoggingDriver { get; init; }

    public required string CgroupDriver { get; init; }

    public required string CgroupVersion { get; init; }

    public int NEventsListener { get; init; }

    public required string KernelVersion { get; init; }

    public required string OperatingSystem { get; init; }

    public required string OSVersion { get; init; }

    public string OSType { get; init; } = "linux";

    public required string Architecture { get; init; }

    public string IndexServerAddress { get; init; } = "https://index.docker.io/v1/";

    public required RegistryServiceConfig RegistryConfig { get; init; }

    public int NCPU { get; init; }

    public long MemTotal { get; init; }

    public required string DockerRootDir { get; init; }

    public string HttpProxy { get; init; } = "";

    public string HttpsProxy { get; init; } = "";

    public string NoProxy { get; init; } = "";

    public required string Name { get; init; }

    public IReadOnlyList<string> Labels { get; init; } = [];

    public bool ExperimentalBuild { get; init; }

    public required string ServerVersion { get; init; }

    public required IReadOnlyDictionary<string, RuntimeInfo> Runtimes { get; init; }

    public required string DefaultRuntime { get; init; }

    public SwarmInfo Swarm { get; init; } = new();

    public bool LiveRestoreEnabled { get; init; }

    public string Isolation { get; init; } = "";

    public string InitBinary { get; init; } = "";

    public CommitInfo ContainerdCommit { get; init; } = new();

    public CommitInfo RuncCommit { get; init; } = new();

    public CommitInfo InitCommit { get; init; } = new();

    public required IReadOnlyList<string> SecurityOptions { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }
}

/// <summary>Plugins by kind; Minato has none yet beyond its built-in drivers.</summary>
public sealed record PluginsInfo(IReadOnlyList<string> Volume, IReadOnlyList<string> Network, IReadOnlyList<string>? Authorization, IReadOnlyList<string> Log);

/// <summary>Registry settings as <c>docker info</c> shows them.</summary>
public sealed record RegistryServiceConfig(
    IReadOnlyList<string> InsecureRegistryCIDRs, IReadOnlyDictionary<string, IndexInfo> IndexConfigs, IReadOnlyList<string> Mirrors);

/// <summary>One registry index.</summary>
public sealed record IndexInfo(string Name, IReadOnlyList<string> Mirrors, bool Secure, bool Official);

/// <summary>An OCI runtime by name.</summary>
public sealed record RuntimeInfo([property: JsonPropertyName("path")] string Path);

/// <summary>Swarm mode: never active here.</summary>
public sealed record SwarmInfo
{
    public string NodeID { get; init; } = "";

    public string NodeAddr { get; init; } = "";

    public string LocalNodeState { get; init; } = "inactive";

    public bool ControlAvailable { get; init; }

    public string Error { get; init; } = "";
}

/// <summary>A component's commit.</summary>
public sealed record CommitInfo
{
    public string ID { get; init; } = "";
}

/// <summary><c>GET /system/df</c>.</summary>
public sealed record DiskUsageResponse
{
    public long LayersSize { get; init; }

    public required IReadOnlyList<ImageSummary> Images { get; init; }

    public required IReadOnlyList<ContainerDiskUsage> Containers { get; init; }

    public IReadOnlyList<Volumes.Volume> Volumes { get; init; } = [];

    public IReadOnlyList<BuildCacheDiskUsage> BuildCache { get; init; } = [];
}

/// <summary>A container as <c>/system/df</c> lists it (the fields <c>docker system df</c> reads).</summary>
public sealed record ContainerDiskUsage
{
    public required string Id { get; init; }

    public required IReadOnlyList<string> Names { get; init; }

    public required string Image { get; init; }

    public required string ImageID { get; init; }

    public string Command { get; init; } = "";

    public long Created { get; init; }

    public required string State { get; init; }

    public required string Status { get; init; }

    public long SizeRw { get; init; }

    public long SizeRootFs { get; init; }
}

/// <summary>A build cache record of <c>/system/df</c>; none until builds exist.</summary>
public sealed record BuildCacheDiskUsage(string ID);
