namespace Minato.Docker.Containers.Pods;

/// <summary>
/// The containers another front door made for pods, as the Docker door may show them: read-only facts keyed by the
/// engine container id. The daemon implements it over the CRI's records; the Docker door knows nothing else of pods.
/// </summary>
/// <remarks>Called from engine change handlers, under the engine's state lock: an implementation reads its own
/// records only and never calls back into the engine.</remarks>
public interface IPodContainerSource
{
    /// <summary>Every pod container, by engine container id.</summary>
    IReadOnlyList<PodContainerFacts> Containers();

    /// <summary>The pod container with this engine container id; null when it is none (a Docker container, or gone).</summary>
    PodContainerFacts? Find(string containerId);

    /// <summary>Every pod sandbox (a sandbox is not an engine container: Minato runs no pause container).</summary>
    IReadOnlyList<PodSandboxFacts> Sandboxes();
}

/// <summary>Which pod a container or sandbox belongs to.</summary>
/// <param name="Name">The pod's name.</param>
/// <param name="Namespace">The pod's namespace.</param>
/// <param name="Uid">The pod's uid.</param>
/// <param name="Attempt">The sandbox's attempt.</param>
public sealed record PodIdentity(string Name, string Namespace, string Uid, uint Attempt);

/// <summary>What a pod container is, beside its engine record.</summary>
/// <param name="Id">The engine container id.</param>
/// <param name="Name">The container's name in its pod.</param>
/// <param name="Attempt">The container's attempt (restart count in its pod).</param>
/// <param name="Pod">Its pod.</param>
/// <param name="SandboxId">Its pod sandbox's id.</param>
/// <param name="Image">The image as the pod named it.</param>
/// <param name="Labels">The labels it was created with.</param>
/// <param name="Annotations">The annotations it was created with.</param>
/// <param name="Command">The command and arguments it was created with (empty: the image's).</param>
/// <param name="PodDirectory">The pod's directory (hostname, hosts, resolv.conf).</param>
public sealed record PodContainerFacts(
    string Id,
    string Name,
    uint Attempt,
    PodIdentity Pod,
    string SandboxId,
    string Image,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    IReadOnlyList<string> Command,
    string PodDirectory);

/// <summary>What a pod sandbox is.</summary>
/// <param name="Id">The sandbox id.</param>
/// <param name="Pod">The pod.</param>
/// <param name="Ready">Its namespaces and network are in place.</param>
/// <param name="CreatedAt">Unix nanoseconds.</param>
/// <param name="InitPid">Host pid of the pod's init, when it has one.</param>
/// <param name="Labels">The pod's labels.</param>
/// <param name="Annotations">The pod's annotations.</param>
/// <param name="Directory">The pod's directory (hostname, hosts, resolv.conf).</param>
public sealed record PodSandboxFacts(
    string Id,
    PodIdentity Pod,
    bool Ready,
    long CreatedAt,
    int? InitPid,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    string Directory);

/// <summary>The source when the daemon has no pods to show.</summary>
public sealed class NoPodContainers : IPodContainerSource
{
    public IReadOnlyList<PodContainerFacts> Containers() => [];

    public PodContainerFacts? Find(string containerId) => null;

    public IReadOnlyList<PodSandboxFacts> Sandboxes() => [];
}
