namespace Minato.Cri.Pods;

/// <summary>Who a pod sandbox is, as the kubelet names it; together these make the sandbox name.</summary>
public sealed record SandboxMetadata(string Name, string Uid, string Namespace, uint Attempt)
{
    /// <summary>The unique name key: one live sandbox per (namespace, name, uid, attempt).</summary>
    public string Key => $"{Namespace}/{Name}/{Uid}/{Attempt}";
}

/// <summary>Where a namespace of the pod comes from (CRI NamespaceMode).</summary>
public enum NamespaceMode
{
    /// <summary>One namespace for the whole pod.</summary>
    Pod,

    /// <summary>Each container gets its own (pid only).</summary>
    Container,

    /// <summary>The host's namespace.</summary>
    Node,

    /// <summary>Another container's namespace (containers only).</summary>
    Target,
}

/// <summary>The pod's namespace modes.</summary>
public sealed record SandboxNamespaces(NamespaceMode Network, NamespaceMode Pid, NamespaceMode Ipc)
{
    /// <summary>True when the pod has its own network (and UTS) namespace.</summary>
    public bool PrivateNetwork => Network == NamespaceMode.Pod;

    /// <summary>True when the pod has its own IPC namespace and /dev/shm.</summary>
    public bool PrivateIpc => Ipc == NamespaceMode.Pod;
}

/// <summary>resolv.conf content requested for the pod; all empty means "use the host's".</summary>
public sealed record DnsSettings(IReadOnlyList<string> Servers, IReadOnlyList<string> Searches, IReadOnlyList<string> Options)
{
    public static readonly DnsSettings None = new([], [], []);

    public bool IsEmpty => Servers.Count == 0 && Searches.Count == 0 && Options.Count == 0;
}

/// <summary>Transport of a port mapping.</summary>
public enum PortProtocol
{
    Tcp,
    Udp,
    Sctp,
}

/// <summary>A host port forwarded to a port in the pod (done by the CNI portmap plugin).</summary>
public sealed record PortMapping(PortProtocol Protocol, int ContainerPort, int HostPort, string HostIp);

/// <summary>Everything Minato keeps of a RunPodSandbox request, free of protobuf types.</summary>
public sealed record SandboxConfig
{
    public required SandboxMetadata Metadata { get; init; }

    public string Hostname { get; init; } = string.Empty;

    public string LogDirectory { get; init; } = string.Empty;

    public DnsSettings Dns { get; init; } = DnsSettings.None;

    public IReadOnlyList<PortMapping> PortMappings { get; init; } = [];

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    public string CgroupParent { get; init; } = string.Empty;

    public SandboxNamespaces Namespaces { get; init; } = new(NamespaceMode.Pod, NamespaceMode.Container, NamespaceMode.Pod);

    public IReadOnlyDictionary<string, string> Sysctls { get; init; } = new Dictionary<string, string>();

    public bool Privileged { get; init; }

    /// <summary>The OCI runtime handler; empty selects the configured default.</summary>
    public string RuntimeHandler { get; init; } = string.Empty;

    /// <summary>The pod's user namespace: the host's, or its own with the given mappings.</summary>
    public PodUserNamespace UserNamespace { get; init; } = PodUserNamespace.Node;
}
