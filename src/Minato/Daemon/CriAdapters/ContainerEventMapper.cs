using Minato.Cri.Api.V1;
using Minato.Cri.Events;

namespace Minato.Daemon.CriAdapters;

/// <summary>Maps a container lifecycle event to the CRI's GetContainerEvents message.</summary>
internal static class ContainerEventMapper
{
    /// <summary>The event with the pod's status and the statuses of all the pod's containers, as the kubelet's PLEG reads them.</summary>
    public static ContainerEventResponse ToProto(ContainerEvent containerEvent)
    {
        var response = new ContainerEventResponse
        {
            ContainerId = containerEvent.ContainerId,
            ContainerEventType = containerEvent.Kind switch
            {
                ContainerEventKind.Created => ContainerEventType.ContainerCreatedEvent,
                ContainerEventKind.Started => ContainerEventType.ContainerStartedEvent,
                ContainerEventKind.Stopped => ContainerEventType.ContainerStoppedEvent,
                _ => ContainerEventType.ContainerDeletedEvent,
            },
            CreatedAt = containerEvent.CreatedAt,
            PodSandboxStatus = containerEvent.Pod is { } pod ? PodSandboxMapper.ToStatus(pod) : null,
        };
        response.ContainersStatuses.AddRange(containerEvent.PodContainers.Select(ContainerMapper.ToStatus));
        return response;
    }
}
