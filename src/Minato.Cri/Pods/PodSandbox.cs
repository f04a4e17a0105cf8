using System.Text.Json.Serialization;

namespace Minato.Cri.Pods;

/// <summary>Where a sandbox is in its life; persisted, so a restart knows what to finish or undo.</summary>
public enum SandboxPhase
{
    /// <summary>RunPodSandbox has started making it; a restart in this phase undoes everything.</summary>
    Creating,

    /// <summary>Namespaces, files and network are in place.</summary>
    Ready,

    /// <summary>Stopped, or its namespaces vanished (host reboot); it can still be stopped and removed.</summary>
    NotReady,
}

/// <summary>The network side of a sandbox: recorded before CNI ADD so a crash can still run DEL.</summary>
/// <param name="Name">The CNI network name.</param>
/// <param name="ConfigList">The conflist used for ADD, kept so DEL runs the same plugins even if the file changed.</param>
/// <param name="Result">The ADD result (raw JSON), passed to DEL as prevResult; null until ADD succeeded.</param>
/// <param name="Ips">The pod IPs, primary first.</param>
/// <param name="TornDown">True once DEL succeeded.</param>
public sealed record SandboxNetwork(string Name, string ConfigList, string? Result, IReadOnlyList<string> Ips, bool TornDown);

/// <summary>A pod sandbox as Minato stores it.</summary>
public sealed record PodSandbox
{
    public required string Id { get; init; }

    public required SandboxConfig Config { get; init; }

    /// <summary>The effective runtime handler name: the one the pod runs with (the default when none was asked for).</summary>
    public required string RuntimeHandler { get; init; }

    /// <summary>The handler the caller asked for, empty meaning the default; what PodSandboxStatus and
    /// ListPodSandbox report, as containerd does, so a caller sees its own request back.</summary>
    [JsonIgnore]
    public string RequestedRuntimeHandler => Config.RuntimeHandler;

    public required SandboxPhase Phase { get; init; }

    /// <summary>Creation time in nanoseconds since the Unix epoch (the CRI unit).</summary>
    public required long CreatedAt { get; init; }

    /// <summary>The sandbox's directory under the state root (hostname, hosts, resolv.conf, shm, pins).</summary>
    public required string Directory { get; init; }

    /// <summary>Pinned namespace files by kind name (net, ipc, uts, pid); absent kinds are the host's or per container.</summary>
    public IReadOnlyDictionary<string, string> NamespacePaths { get; init; } = new Dictionary<string, string>();

    /// <summary>The hostname set in the pod's UTS namespace (or the host's).</summary>
    public string Hostname { get; init; } = string.Empty;

    /// <summary>Host pid of the pod's pid-namespace init, when the pod shares one.</summary>
    public int? InitPid { get; init; }

    /// <summary>The pod's /dev/shm tmpfs, when it has a private IPC namespace.</summary>
    public string? ShmPath { get; init; }

    public SandboxNetwork? Network { get; init; }

    /// <summary>The pod-level resources applied to the pod's cgroup by the last UpdatePodSandboxResources; null until then
    /// (and in documents written before the field existed).</summary>
    public PodResources? Resources { get; init; }

    public string? NetnsPath => NamespacePaths.GetValueOrDefault("net");

    public bool IsReady => Phase == SandboxPhase.Ready;
}
