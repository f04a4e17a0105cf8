using System.Globalization;
using Minato.Engine.Containers;

namespace Minato.Docker.Containers.Pods;

/// <summary>Builds the Docker records of pod containers and sandboxes with dockershim's names and labels.</summary>
public static class PodContainerRecords
{
    /// <summary>dockershim's label saying whether a container is a sandbox (<c>podsandbox</c>) or not (<c>container</c>).</summary>
    public const string TypeLabel = "io.kubernetes.docker.type";

    /// <summary>dockershim's label naming a container's sandbox.</summary>
    public const string SandboxIdLabel = "io.kubernetes.sandbox.id";

    /// <summary>The CRI's pod container as a Docker record.</summary>
    public static DockerContainer Container(PodContainerFacts facts, ContainerRecord state)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(state);
        var labels = Labels(facts.Labels, facts.Annotations, facts.Pod);
        labels["io.kubernetes.container.name"] = facts.Name;
        labels[TypeLabel] = "container";
        labels[SandboxIdLabel] = facts.SandboxId;
        labels["io.kubernetes.container.logpath"] = state.LogPath;
        return new DockerContainer
        {
            Id = facts.Id,
            Name = Name(facts.Name, facts.Pod, facts.Attempt),
            ImageName = facts.Image,
            ImageId = state.ImageId,
            Config = new ContainerConfig { Image = facts.Image, Labels = labels, Cmd = [.. facts.Command], Tty = state.Tty, OpenStdin = state.Stdin },
            HostConfig = new HostConfig { NetworkMode = "container:" + facts.SandboxId },
            Path = facts.Command.Count > 0 ? facts.Command[0] : string.Empty,
            Args = [.. facts.Command.Skip(1)],
            Created = state.CreatedAt,
            Directory = facts.PodDirectory,
            HasBeenStarted = state.StartedAt > 0,
        };
    }

    /// <summary>A pod sandbox as dockershim showed its infra container.</summary>
    public static DockerContainer Sandbox(PodSandboxFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var labels = Labels(facts.Labels, facts.Annotations, facts.Pod);
        labels["io.kubernetes.container.name"] = "POD";
        labels[TypeLabel] = "podsandbox";
        return new DockerContainer
        {
            Id = facts.Id,
            Name = Name("POD", facts.Pod, facts.Pod.Attempt),
            ImageName = string.Empty,
            ImageId = string.Empty,
            Config = new ContainerConfig { Labels = labels },

            // dockershim's sandboxes had network "none": CNI set their namespace up, not Docker.
            HostConfig = new HostConfig { NetworkMode = "none" },
            Created = facts.CreatedAt,
            Directory = facts.Directory,
            HasBeenStarted = true,
        };
    }

    /// <summary>The engine-like state of a sandbox: running while ready, its init as its pid.</summary>
    public static ContainerRecord SandboxState(PodSandboxFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return new ContainerRecord
        {
            Id = facts.Id,
            Owner = PodContainerView.SandboxOwner,
            ImageId = string.Empty,
            RuntimeHandler = string.Empty,
            Phase = facts.Ready ? ContainerPhase.Running : ContainerPhase.Exited,
            CreatedAt = facts.CreatedAt,
            StartedAt = facts.CreatedAt,
            BundleDirectory = facts.Directory,
            LayerDirectory = facts.Directory,
            LogPath = string.Empty,
            Pid = facts.InitPid ?? 0,
        };
    }

    /// <summary>dockershim's name, <c>/k8s_&lt;container&gt;_&lt;pod&gt;_&lt;namespace&gt;_&lt;uid&gt;_&lt;attempt&gt;</c>.</summary>
    public static string Name(string container, PodIdentity pod, uint attempt)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return string.Create(CultureInfo.InvariantCulture, $"/k8s_{container}_{pod.Name}_{pod.Namespace}_{pod.Uid}_{attempt}");
    }

    /// <summary>The CRI labels, the annotations as <c>annotation.KEY</c> (as dockershim kept them), and the pod's identity.</summary>
    private static Dictionary<string, string> Labels(IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> annotations, PodIdentity pod)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in annotations)
        {
            result["annotation." + key] = value;
        }

        foreach (var (key, value) in labels)
        {
            result[key] = value;
        }

        result["io.kubernetes.pod.name"] = pod.Name;
        result["io.kubernetes.pod.namespace"] = pod.Namespace;
        result["io.kubernetes.pod.uid"] = pod.Uid;
        return result;
    }
}
