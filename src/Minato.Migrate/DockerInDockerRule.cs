namespace Minato.Migrate;

/// <summary>
/// Docker-in-Docker and Docker-based image builds: the docker image (daemon or CLI), containers that start
/// dockerd, command lines running docker build/run/push or Compose, and DOCKER_HOST over TCP.
/// </summary>
internal sealed class DockerInDockerRule : IMigrationRule
{
    private const string DindAdvice =
        "A nested Docker daemon brings its own engine, so it keeps running on a CRI node, but only privileged " +
        "(full access to the node), with overlay on overlay or the slow vfs driver, and with a cache lost with " +
        "the pod. Builds do not need a daemon: use BuildKit rootless (moby/buildkit:rootless with " +
        "buildctl-daemonless.sh), kaniko or buildah in an ordinary pod, or a shared BuildKit service that CI " +
        "jobs reach over TLS; Tekton and Argo Workflows ship tasks for each.";

    private const string CliAdvice =
        "The docker CLI needs a Docker daemon: either a dind sidecar (which works, privileged, see the advice " +
        "for dockerd) or the node's socket (which does not exist on a CRI node). Replace docker build and push " +
        "with a daemonless builder (BuildKit rootless, kaniko, buildah); replace docker run in CI with a " +
        "Kubernetes Job or a container in the pod itself.";

    private static readonly string[] DockerCommands =
        ["docker build", "docker buildx", "docker run", "docker push", "docker compose", "docker-compose"];

    public void Inspect(KubeObject item, FindingCollector findings)
    {
        if (item is not PodTemplate template)
        {
            return;
        }

        var cleanup = WorkloadAdvice.ForImageCleanup(template);
        foreach (var container in template.Spec.Containers)
        {
            foreach (var (evidence, advice) in Check(container))
            {
                findings.Report(item, FindingKind.DockerInDocker, Severity.Action, evidence, cleanup ?? advice);
            }
        }
    }

    private static IEnumerable<(string Evidence, string Advice)> Check(ContainerSpec container)
    {
        var repository = Repository(container.Image);
        var tag = Tag(container.Image);
        var isDind = repository.EndsWith("dind", StringComparison.Ordinal) || (IsDockerImage(repository) && tag.Contains("dind", StringComparison.Ordinal));
        if (isDind)
        {
            yield return ($"{container} runs image {container.Image} (Docker-in-Docker)", DindAdvice);
        }
        else if (IsDockerImage(repository))
        {
            yield return ($"{container} runs image {container.Image} (Docker CLI)", CliAdvice);
        }

        var commandLine = string.Join(' ', container.CommandLine);
        if (!isDind && StartsDockerd(container))
        {
            var privileged = container.Privileged ? "privileged " : "";
            yield return ($"{privileged}{container} starts dockerd", DindAdvice);
        }

        if (DockerCommands.FirstOrDefault(c => commandLine.Contains(c, StringComparison.Ordinal)) is { } command)
        {
            yield return ($"{container} runs {command}", CliAdvice);
        }

        foreach (var env in container.Env)
        {
            if (env.Name == "DOCKER_HOST" && env.Value?.StartsWith("tcp://", StringComparison.Ordinal) == true)
            {
                yield return ($"{container} sets DOCKER_HOST={env.Value}", CliAdvice);
            }
        }
    }

    /// <summary>True when the container runs a Docker daemon: a dind image, or dockerd on its command line.</summary>
    public static bool RunsDockerDaemon(ContainerSpec container)
    {
        var repository = Repository(container.Image);
        return repository.EndsWith("dind", StringComparison.Ordinal)
            || (IsDockerImage(repository) && Tag(container.Image).Contains("dind", StringComparison.Ordinal))
            || StartsDockerd(container);
    }

    private static bool StartsDockerd(ContainerSpec container) =>
        container.CommandLine.Any(a => a == "dockerd" || a.EndsWith("/dockerd", StringComparison.Ordinal) || a.StartsWith("dockerd ", StringComparison.Ordinal));

    /// <summary>docker, library/docker, docker.io/library/docker or a mirror's …/library/docker.</summary>
    private static bool IsDockerImage(string repository) =>
        repository is "docker" or "library/docker" || repository.EndsWith("/library/docker", StringComparison.Ordinal)
        || repository == "docker.io/docker";

    /// <summary>The image reference without tag or digest.</summary>
    internal static string Repository(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? image[..at] : image;
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[..colon] : name;
    }

    private static string Tag(string image)
    {
        var name = image.Split('@')[0];
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[(colon + 1)..] : "";
    }
}
