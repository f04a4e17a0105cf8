using Minato.Cri.Containers;
using Minato.Cri.Pods;

namespace Minato.Cri.Events;

/// <summary>What happened to a container (the CRI's ContainerEventType).</summary>
public enum ContainerEventKind
{
    Created,
    Started,
    Stopped,
    Deleted,
}

/// <summary>One container event with the state of its pod right after it, as the kubelet's evented PLEG wants it.</summary>
/// <param name="ContainerId">The container the event is about.</param>
/// <param name="Kind">Created, started, stopped or deleted.</param>
/// <param name="CreatedAt">When the event happened, Unix nanoseconds.</param>
/// <param name="Pod">The container's pod; null when it is gone.</param>
/// <param name="PodContainers">Every container of the pod after the event (a deleted container is no longer among them).</param>
public sealed record ContainerEvent(string ContainerId, ContainerEventKind Kind, long CreatedAt, PodSandbox? Pod, IReadOnlyList<PodContainer> PodContainers);
