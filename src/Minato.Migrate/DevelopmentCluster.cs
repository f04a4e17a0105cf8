namespace Minato.Migrate;

/// <summary>Recognises nodes of local development clusters (kind, minikube, k3d, Docker Desktop) from what they report.</summary>
internal static class DevelopmentCluster
{
    /// <summary>The tool that made the node, or null for a real cluster's node.</summary>
    public static string? ToolOf(ClusterNode node)
    {
        if (node.ProviderId?.StartsWith("kind://", StringComparison.Ordinal) == true)
        {
            return "kind";
        }

        if (node.Labels.ContainsKey("minikube.k8s.io/name") || node.Ref.Name == "minikube")
        {
            return "minikube";
        }

        if (node.Ref.Name.StartsWith("k3d-", StringComparison.Ordinal))
        {
            return "k3d";
        }

        return node.Ref.Name == "docker-desktop" ? "Docker Desktop" : null;
    }
}
