namespace Minato.Docker.Containers.Pods;

/// <summary>How the Docker door shows the containers the kubelet made (<c>docker_api.pod_containers</c>).</summary>
public enum PodContainerMode
{
    /// <summary>Listed, inspected, logged, topped and in events under dockershim's names; every change is refused
    /// with 403.</summary>
    ReadOnly,

    /// <summary>Not shown at all: the Docker door sees its own containers only.</summary>
    Hidden,
}
