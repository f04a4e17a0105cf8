namespace Minato.Cri.Pods;

/// <summary>What pod sandboxes need from the daemon's configuration.</summary>
/// <param name="StateDirectory">The daemon's state root; sandboxes live in <c>pods/&lt;id&gt;</c> below it.</param>
/// <param name="RuntimeHandlers">Configured OCI runtime handler names.</param>
/// <param name="DefaultRuntimeHandler">The handler for pods that name none.</param>
/// <param name="PidInitPath">The init for pod-level pid namespaces (catatonit), or null when none is installed.</param>
public sealed record PodSandboxOptions(string StateDirectory, IReadOnlyCollection<string> RuntimeHandlers, string DefaultRuntimeHandler, string? PidInitPath)
{
    /// <summary>Size of each pod's /dev/shm tmpfs (the Docker and kubelet default).</summary>
    public const string ShmOptions = "mode=1777,size=65536k";

    /// <summary>The handlers that run pods in their own user namespace on this host; null when not known (every handler is tried).</summary>
    public IReadOnlySet<string>? UserNamespaceHandlers { get; init; }

    /// <summary>How often a failing CNI DEL is tried within one Stop or Remove call.</summary>
    public int NetworkTeardownAttempts { get; init; } = 3;

    /// <summary>The directory of sandbox <paramref name="id"/>.</summary>
    public string SandboxDirectory(string id) => Path.Combine(StateDirectory, "pods", id);
}
