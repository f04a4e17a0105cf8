using Minato.Cri.Containers;
using Minato.Cri.Pods;
using Minato.Docker.Containers.Pods;

namespace Minato.Daemon;

/// <summary>The CRI's pods and containers as the Docker door's read-only pod view sees them: read from the CRI's own
/// records (never through the engine, so it may be called under the engine's lock).</summary>
internal sealed class CriPodContainerSource(CriContainerStore containers, SandboxStore sandboxes) : IPodContainerSource
{
    public IReadOnlyList<PodContainerFacts> Containers() =>
        containers.All.Select(Facts).OfType<PodContainerFacts>().ToList();

    public PodContainerFacts? Find(string containerId) =>
        containers.Get(containerId) is { } entry ? Facts(entry) : null;

    public IReadOnlyList<PodSandboxFacts> Sandboxes() =>
        sandboxes.All.Where(s => s.Phase != SandboxPhase.Creating).Select(s => new PodSandboxFacts(
            s.Id,
            Identity(s),
            s.IsReady,
            s.CreatedAt,
            s.InitPid,
            s.Config.Labels,
            s.Config.Annotations,
            s.Directory)).ToList();

    /// <summary>Null for a container whose pod is gone (its removal is under way).</summary>
    private PodContainerFacts? Facts(CriContainer entry)
    {
        if (sandboxes.Get(entry.PodId) is not { } pod)
        {
            return null;
        }

        var config = entry.Config;
        return new PodContainerFacts(
            entry.Id,
            config.Metadata.Name,
            config.Metadata.Attempt,
            Identity(pod),
            pod.Id,
            config.Image.UserSpecifiedImage is { Length: > 0 } asked ? asked : config.Image.Image,
            config.Labels,
            config.Annotations,
            [.. config.Command, .. config.Args],
            pod.Directory);
    }

    private static PodIdentity Identity(PodSandbox pod) =>
        new(pod.Config.Metadata.Name, pod.Config.Metadata.Namespace, pod.Config.Metadata.Uid, pod.Config.Metadata.Attempt);
}
