using Minato.Cri.Pods;

namespace Minato.Cri.Containers;

/// <summary>Which container of a pod this is, as the kubelet names it.</summary>
public sealed record ContainerMetadata(string Name, uint Attempt);

/// <summary>How mount events propagate between the host and a bind mount (CRI MountPropagation).</summary>
public enum MountPropagation
{
    /// <summary>No propagation either way (<c>rprivate</c>).</summary>
    Private,

    /// <summary>Host mounts appear in the container (<c>rslave</c>).</summary>
    HostToContainer,

    /// <summary>Both ways (<c>rshared</c>); needs a privileged container.</summary>
    Bidirectional,
}

/// <summary>A CRI bind mount from the host into the container, or an image volume (<see cref="Image"/> set).</summary>
/// <param name="ContainerPath">Where the mount appears in the container.</param>
/// <param name="HostPath">The host file or directory bound there; empty for an image volume (the engine chooses it).</param>
/// <param name="Readonly">Mounted read-only.</param>
/// <param name="SelinuxRelabel">Passed through for SELinux hosts (see <see cref="ContainerSpec.RelabelPaths"/>).</param>
/// <param name="Propagation">Mount propagation between host and container.</param>
/// <param name="RecursiveReadOnly">Every mount under the host path read-only too (needs <paramref name="Readonly"/> and
/// private propagation).</param>
public sealed record ContainerMount(
    string ContainerPath,
    string HostPath,
    bool Readonly = false,
    bool SelinuxRelabel = false,
    MountPropagation Propagation = MountPropagation.Private,
    bool RecursiveReadOnly = false)
{
    private readonly string _image = string.Empty;
    private readonly string _imageSubPath = string.Empty;

    /// <summary>For an image volume (CRI <c>Mount.image</c>, KEP-4639): the image reference or id, resolved like the
    /// container's own image; shown read-only and noexec. Empty for a host bind mount (never null: records stored
    /// before image volumes existed read as empty).</summary>
    public string Image
    {
        get => _image;
        init => _image = value ?? string.Empty;
    }

    /// <summary>For an image volume: the directory or file inside the image to show instead of its root.</summary>
    public string ImageSubPath
    {
        get => _imageSubPath;
        init => _imageSubPath = value ?? string.Empty;
    }
}

/// <summary>A host device made available in the container, with cgroup permissions such as <c>rwm</c>.</summary>
public sealed record ContainerDevice(string ContainerPath, string HostPath, string Permissions);

/// <summary>The image a container runs, as the caller named it.</summary>
/// <param name="Image">The image id or reference the kubelet resolved.</param>
/// <param name="UserSpecifiedImage">The reference as written in the pod spec, for display.</param>
public sealed record ContainerImageSpec(string Image, string UserSpecifiedImage = "")
{
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();
}

/// <summary>Everything Minato keeps of a CreateContainer request, free of protobuf types.</summary>
public sealed record ContainerConfig
{
    public required ContainerMetadata Metadata { get; init; }

    public required ContainerImageSpec Image { get; init; }

    /// <summary>Replaces the image Entrypoint (and drops its Cmd) when not empty.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Replaces the image Cmd when not empty.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    public string WorkingDir { get; init; } = string.Empty;

    /// <summary>Environment in request order; a later key wins.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Envs { get; init; } = [];

    public IReadOnlyList<ContainerMount> Mounts { get; init; } = [];

    public IReadOnlyList<ContainerDevice> Devices { get; init; } = [];

    /// <summary>CDI device names from the request's <c>CDI_devices</c> (the kubelet's device plugins and DRA), as sent;
    /// <see cref="ContainerCdiDevices"/> adds those of the <c>cdi.k8s.io/*</c> annotations.</summary>
    public IReadOnlyList<string> CdiDevices { get; init; } = [];

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>The pod's log directory (from the sandbox config); the log file is <see cref="LogPath"/> below it.</summary>
    public string LogDirectory { get; init; } = string.Empty;

    /// <summary>The log file relative to <see cref="LogDirectory"/>.</summary>
    public string LogPath { get; init; } = string.Empty;

    public bool Stdin { get; init; }

    public bool StdinOnce { get; init; }

    public bool Tty { get; init; }

    /// <summary>A stop signal requested by the caller (CRI 1.30+), e.g. <c>SIGTERM</c>; empty uses the image's.</summary>
    public string StopSignal { get; init; } = string.Empty;

    public ContainerResources Resources { get; init; } = new();

    public ContainerSecurity Security { get; init; } = new();

    /// <summary>The full log path, or empty when the caller asked for no log.</summary>
    public string FullLogPath => LogDirectory.Length == 0 || LogPath.Length == 0 ? string.Empty : Path.Combine(LogDirectory, LogPath);
}

/// <summary>The container's namespace choices; network and IPC follow the pod, pid may differ.</summary>
/// <param name="Network">The network namespace mode (the pod's).</param>
/// <param name="Pid">The pid namespace mode.</param>
/// <param name="Ipc">The IPC namespace mode (the pod's).</param>
/// <param name="TargetId">For <see cref="NamespaceMode.Target"/> pid: the container whose pid namespace is joined.</param>
/// <param name="User">The user namespace the kubelet asks for (the pod's, which it must equal); null when not sent.</param>
public sealed record ContainerNamespaces(
    NamespaceMode Network = NamespaceMode.Pod,
    NamespaceMode Pid = NamespaceMode.Container,
    NamespaceMode Ipc = NamespaceMode.Pod,
    string TargetId = "",
    PodUserNamespace? User = null);
