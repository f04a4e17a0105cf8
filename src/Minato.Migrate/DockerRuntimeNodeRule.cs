namespace Minato.Migrate;

/// <summary>
/// Nodes whose kubelet reports <c>docker://</c> as its runtime (the CONTAINER-RUNTIME column of
/// <c>kubectl get nodes -o wide</c>). Before kubelet 1.24 that is the built-in dockershim, which 1.24 removed
/// (KEP-2221), so the node cannot be upgraded as it is (blocker); from 1.24 on it can only be cri-dockerd, which
/// works (info). A node already on a CRI runtime whose labels or annotations still say docker is info too.
/// </summary>
internal sealed class DockerRuntimeNodeRule : IMigrationRule
{
    private const string DockershimAdvice =
        "This kubelet talks to Docker through the built-in dockershim, which Kubernetes 1.24 removed: the node " +
        "cannot be upgraded past 1.23 as it is. Drain it (kubectl drain), install a CRI runtime (Minato, " +
        "containerd or CRI-O), start the kubelet with --container-runtime-endpoint pointing at that runtime's " +
        "socket (for containerd unix:///run/containerd/containerd.sock), and uncordon it; images need no " +
        "rebuild. If workloads still need the Docker Engine, install cri-dockerd as a stop-gap and point " +
        "--container-runtime-endpoint at unix:///run/cri-dockerd.sock before upgrading the kubelet.";

    private const string CriDockerdAdvice =
        "A kubelet of 1.24 or later reaching Docker can only do so through cri-dockerd, so this node works " +
        "today. It keeps an extra shim and the Docker Engine in the path of every pod; plan to drain it and " +
        "move it to a CRI runtime (Minato, containerd or CRI-O) once the workloads flagged here are fixed.";

    private const string StaleAdvice =
        "The node no longer runs Docker, but this label or annotation still says it does. Nothing breaks, but " +
        "node selectors, affinities and tools (kubeadm reads kubeadm.alpha.kubernetes.io/cri-socket on upgrade) " +
        "may act on it: update it to the node's current runtime or remove it.";

    public void Inspect(KubeObject item, FindingCollector findings)
    {
        if (item is not ClusterNode node || DevelopmentCluster.ToolOf(node) is not null)
        {
            return;
        }

        if (!node.ContainerRuntimeVersion.StartsWith("docker://", StringComparison.Ordinal))
        {
            ReportStale(node, findings);
            return;
        }

        var evidence = $"containerRuntimeVersion {node.ContainerRuntimeVersion}, kubelet {Display(node.KubeletVersion)}";
        if (KubeletHasNoDockershim(node.KubeletVersion))
        {
            findings.Report(item, FindingKind.DockerRuntimeNode, Severity.Info, $"{evidence} (cri-dockerd)", CriDockerdAdvice);
        }
        else
        {
            findings.Report(item, FindingKind.DockerRuntimeNode, Severity.Blocker, $"{evidence} (dockershim)", DockershimAdvice);
        }
    }

    /// <summary>Labels and annotations of a node that has moved off Docker and still say docker.</summary>
    private static void ReportStale(ClusterNode node, FindingCollector findings)
    {
        foreach (var (what, entries) in new[] { ("label", node.Labels), ("annotation", node.Annotations) })
        {
            foreach (var (key, value) in entries.Where(e => SaysDocker(e.Key) || SaysDocker(e.Value)).OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                findings.Report(
                    node, FindingKind.DockerRuntimeNode, Severity.Info,
                    $"{what} {key}={value} still says docker (runtime {Display(node.ContainerRuntimeVersion)})", StaleAdvice);
            }
        }
    }

    private static bool SaysDocker(string text) => text.Contains("docker", StringComparison.OrdinalIgnoreCase);

    private static string Display(string version) => version.Length == 0 ? "(unknown)" : version;

    /// <summary>True for kubelet 1.24 and later; an unreadable version is treated as older (the cautious answer).</summary>
    internal static bool KubeletHasNoDockershim(string kubeletVersion)
    {
        var parts = kubeletVersion.TrimStart('v').Split('.', 3);
        return parts.Length >= 2
            && int.TryParse(parts[0], out var major)
            && int.TryParse(new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray()), out var minor)
            && (major > 1 || (major == 1 && minor >= 24));
    }
}
