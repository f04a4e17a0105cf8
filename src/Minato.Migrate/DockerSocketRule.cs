namespace Minato.Migrate;

/// <summary>
/// Pods that reach the node's Docker Engine: hostPath volumes of its socket, state or data directories (or a
/// directory that contains them), and a DOCKER_HOST (or similar) pointing at a Unix socket.
/// </summary>
internal sealed class DockerSocketRule : IMigrationRule
{
    private const string SocketAdvice =
        "On a node with a CRI runtime there is no Docker Engine: /var/run/docker.sock is absent (a hostPath " +
        "without a type even creates an empty directory in its place), so every Docker API call from this pod " +
        "fails. Find what the pod asks Docker for. Its own metadata (pod name, labels, resources) comes from the " +
        "Downward API; other pods, nodes and events from the Kubernetes API with a ServiceAccount; container " +
        "lists and stats from the kubelet (/metrics/cadvisor, /stats/summary) or the runtime's CRI socket with " +
        "crictl; image builds belong with a daemonless builder (see docker-in-docker). Keeping Docker on the " +
        "node with cri-dockerd is a stop-gap, not a fix.";

    private const string DataRootAdvice =
        "Docker's data root holds its images and container layers. A CRI runtime keeps its own store " +
        "(/var/lib/containerd, /var/lib/containers) in its own format, so this mount is empty on a CRI node. " +
        "Monitoring agents that read it should use the kubelet's /metrics/cadvisor and /stats/summary " +
        "endpoints or the runtime's CRI API instead.";

    private const string ParentAdvice =
        "This directory contains Docker's socket or data on a Docker node. If the pod only uses something else " +
        "in it (a lock file, another daemon's socket) nothing changes; if it talks to Docker through it, it " +
        "breaks on a CRI node as described for docker.sock. Narrow the mount to what the pod needs.";

    private static readonly string[] Sockets = ["/var/run/docker.sock", "/run/docker.sock", "/var/run/docker", "/run/docker"];
    private static readonly string[] Parents = ["/run", "/var/run", "/var", "/var/lib"];
    private const string DataRoot = "/var/lib/docker";

    // Log files under the data root are DockerLogFormatRule's business, with advice of their own.
    private const string ContainerLogs = "/var/lib/docker/containers";

    public void Inspect(KubeObject item, FindingCollector findings)
    {
        if (item is not PodTemplate template)
        {
            return;
        }

        foreach (var volume in template.Spec.HostPaths)
        {
            if (Classify(HostPathUse.Normalize(volume.Path)) is not { } match)
            {
                continue;
            }

            foreach (var evidence in HostPathUse.Describe(template.Spec, volume))
            {
                findings.Report(item, FindingKind.DockerSocket, match.Severity, evidence, match.Advice);
            }
        }

        foreach (var container in template.Spec.Containers)
        {
            foreach (var env in container.Env.Where(IsUnixDockerEndpoint))
            {
                findings.Report(
                    item, FindingKind.DockerSocket, Severity.Blocker, $"container {container.Name} sets {env.Name}={env.Value}", SocketAdvice);
            }
        }
    }

    private static (Severity Severity, string Advice)? Classify(string path)
    {
        if (Sockets.Any(s => HostPathUse.IsAtOrUnder(path, s)))
        {
            return (Severity.Blocker, SocketAdvice);
        }

        if (HostPathUse.IsAtOrUnder(path, DataRoot) && !HostPathUse.IsAtOrUnder(path, ContainerLogs))
        {
            return (Severity.Warning, DataRootAdvice);
        }

        return Parents.Contains(path) ? (Severity.Warning, ParentAdvice) : null;
    }

    private static bool IsUnixDockerEndpoint(EnvVar env) =>
        env.Value is { } value
        && (env.Name == "DOCKER_HOST"
            ? value.StartsWith("unix://", StringComparison.Ordinal)
            : value.Contains("docker.sock", StringComparison.Ordinal));
}
