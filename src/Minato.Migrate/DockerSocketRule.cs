namespace Minato.Migrate;

/// <summary>
/// Pods that reach the node's Docker Engine: hostPath volumes of its socket, state or data directories, and a
/// DOCKER_HOST (or any variable whose value is a socket path) pointing at a Unix socket. Where the socket comes
/// from decides the class: through a hostPath of the node's socket it is a blocker; on an emptyDir shared with
/// a Docker-in-Docker sidecar it is DinD (action); a parent directory (/var/run) with nothing naming a socket
/// under it is an action to verify.
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

    private const string DindSocketAdvice =
        "The socket lives on an emptyDir that a Docker-in-Docker container in the same pod serves, so this pod " +
        "brings its own Docker and keeps working on a CRI node, privileged. See docker-in-docker for " +
        "daemonless builders that remove the need for it.";

    public void Inspect(KubeObject item, FindingCollector findings)
    {
        if (item is not PodTemplate template)
        {
            return;
        }

        var spec = template.Spec;
        var cleanup = WorkloadAdvice.ForImageCleanup(template);
        foreach (var volume in spec.HostPaths)
        {
            var path = HostPathUse.Normalize(volume.Path);
            if (Classify(path) is not { } match)
            {
                continue;
            }

            if (match.Severity == Severity.Action && Parents.Contains(path))
            {
                // A parent directory decides nothing by itself; when a container names a socket under it, the
                // endpoint check below reports the node's Docker with that evidence.
                foreach (var (container, mountPath) in spec.MountsOf(volume.Name))
                {
                    if (!SocketPathsOf(container).Any(p => HostPathUse.IsAtOrUnder(p, HostPathUse.Normalize(mountPath))))
                    {
                        var socket = HostPathUse.Normalize(mountPath) + "/docker.sock";
                        findings.Report(
                            item, FindingKind.DockerSocket, Severity.Action,
                            $"{container} mounts hostPath {path} at {mountPath}; nothing in its configuration names a Docker socket " +
                            $"there (verify: a process opening {socket} makes this a blocker)",
                            cleanup ?? ParentAdvice);
                    }
                }

                continue;
            }

            foreach (var evidence in HostPathUse.Describe(spec, volume))
            {
                findings.Report(item, FindingKind.DockerSocket, match.Severity, evidence, cleanup ?? match.Advice);
            }
        }

        var startsDocker = spec.Containers.Any(DockerInDockerRule.RunsDockerDaemon);
        foreach (var container in spec.Containers)
        {
            foreach (var env in container.Env)
            {
                foreach (var socket in SocketPaths(env))
                {
                    ReportEndpoint(template, container, $"sets {env.Name}={env.Value}", socket, startsDocker, cleanup, findings);
                }
            }
        }
    }

    /// <summary>Where a socket path a container uses leads: a DinD emptyDir, the node through a hostPath, or nowhere.</summary>
    private static void ReportEndpoint(
        PodTemplate template, ContainerSpec container, string what, string socket, bool startsDocker, string? cleanup, FindingCollector findings)
    {
        var spec = template.Spec;
        var mount = container.MountHolding(socket);
        if (mount is not null && spec.EmptyDirs.Contains(mount.VolumeName))
        {
            var sharedWith = spec.MountsOf(mount.VolumeName).Select(m => m.Container).Where(c => c != container).Select(c => c.ToString()).ToList();
            var shared = sharedWith.Count == 0 ? "" : $" shared with {string.Join(", ", sharedWith)}";
            findings.Report(
                template, FindingKind.DockerInDocker, Severity.Action,
                $"{container} {what}: emptyDir volume {mount.VolumeName}{shared} (Docker-in-Docker)", DindSocketAdvice);
            return;
        }

        if (mount is not null && spec.HostPaths.FirstOrDefault(h => h.Name == mount.VolumeName) is { } hostPath)
        {
            var nodePath = HostPathUse.Normalize(HostPathUse.Normalize(hostPath.Path) + socket[HostPathUse.Normalize(mount.MountPath).Length..]);
            if (ConfigValue.IsDockerSocket(nodePath))
            {
                findings.Report(
                    template, FindingKind.DockerSocket, Severity.Blocker,
                    $"{container} {what}: the node's {nodePath} through hostPath {HostPathUse.Normalize(hostPath.Path)}", cleanup ?? SocketAdvice);
            }

            return;
        }

        if (mount is null && startsDocker)
        {
            findings.Report(
                template, FindingKind.DockerInDocker, Severity.Action, $"{container} {what}: a Docker daemon in the pod (Docker-in-Docker)", DindSocketAdvice);
            return;
        }

        if (mount is null)
        {
            findings.Report(template, FindingKind.DockerSocket, Severity.Blocker, $"{container} {what}", cleanup ?? SocketAdvice);
        }
    }

    /// <summary>Docker socket paths an environment variable names: DOCKER_HOST=unix://…, or any value that is a socket path.</summary>
    private static IEnumerable<string> SocketPaths(EnvVar env)
    {
        if (env.Name == "DOCKER_HOST")
        {
            return env.Value?.StartsWith("unix://", StringComparison.Ordinal) == true ? ConfigValue.Paths(env.Value) : [];
        }

        return ConfigValue.Paths(env.Value).Where(ConfigValue.IsDockerSocket);
    }

    private static IEnumerable<string> SocketPathsOf(ContainerSpec container) => container.Env.SelectMany(SocketPaths);

    private static (Severity Severity, string Advice)? Classify(string path)
    {
        if (Sockets.Any(s => HostPathUse.IsAtOrUnder(path, s)))
        {
            return (Severity.Blocker, SocketAdvice);
        }

        if (HostPathUse.IsAtOrUnder(path, DataRoot) && !HostPathUse.IsAtOrUnder(path, ContainerLogs))
        {
            return (Severity.Action, DataRootAdvice);
        }

        return Parents.Contains(path) ? (Severity.Action, ParentAdvice) : null;
    }
}
