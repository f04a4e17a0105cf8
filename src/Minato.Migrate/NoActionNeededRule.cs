namespace Minato.Migrate;

/// <summary>
/// Nodes of local development clusters: Docker there is only the box the node runs in (kind, k3d,
/// minikube's docker driver) or is reached through cri-dockerd by a current kubelet, so dockershim's removal
/// changes nothing. Reported as information so nobody spends time on them.
/// </summary>
internal sealed class NoActionNeededRule : IMigrationRule
{
    /// <summary>General statements the report always carries, for the questions people ask most.</summary>
    public static readonly IReadOnlyList<string> Notes =
    [
        "Images built with docker build are OCI images: they run unchanged on Minato, containerd and CRI-O, " +
        "from the same registries under the same names.",
        "Developers keep Docker and Docker Compose on their own machines; the cluster's runtime does not affect them.",
        "kind and minikube (docker driver) run their own kubelet and runtime inside containers; local clusters " +
        "made with them are not affected.",
        "kubectl logs, exec, attach and port-forward go through the CRI and behave the same on a CRI runtime.",
    ];

    public void Inspect(KubeObject item, FindingCollector findings)
    {
        if (item is not ClusterNode node || DevelopmentCluster.ToolOf(node) is not { } tool)
        {
            return;
        }

        var runtime = node.ContainerRuntimeVersion.Length == 0 ? "an unknown runtime" : node.ContainerRuntimeVersion;
        findings.Report(
            item,
            FindingKind.NoActionNeeded,
            Severity.Info,
            $"{tool} node running {runtime}",
            $"A {tool} node is a local development cluster: Docker at most hosts the node itself, and its kubelet " +
            "reaches the runtime through the CRI. Nothing to migrate; recreate it with a newer node image when convenient.");
    }
}
