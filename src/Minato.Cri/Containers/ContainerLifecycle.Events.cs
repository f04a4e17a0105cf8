using System.Collections.Concurrent;
using Minato.Cri.Events;

namespace Minato.Cri.Containers;

/// <summary>Container events for GetContainerEvents: published under the state lock, so their order is the order of the changes.</summary>
public sealed partial class ContainerLifecycle
{
    /// <summary>Containers whose StartContainer is in flight: an exit folded in meanwhile is announced after the start, not before.</summary>
    private readonly ConcurrentDictionary<string, bool> _starting = new(StringComparer.Ordinal);

    /// <summary>Publishes an event with the pod's state after it; call with <see cref="_stateLock"/> held.</summary>
    private void Publish(string id, string podId, ContainerEventKind kind)
    {
        if (events is not { HasSubscribers: true })
        {
            return;
        }

        var podContainers = store.All
            .Where(c => c.PodId == podId && c.Phase != ContainerPhase.Creating)
            .OrderBy(c => c.CreatedAt)
            .ToList();
        events.Publish(new ContainerEvent(id, kind, Nanoseconds(time.GetUtcNow()), sandboxes.Get(podId), podContainers));
    }

    /// <summary>An exit folded in: announced now, unless a start is in flight, which announces it after "started".</summary>
    private void PublishStopped(ContainerRecord record)
    {
        if (!_starting.ContainsKey(record.Id))
        {
            Publish(record.Id, record.PodId, ContainerEventKind.Stopped);
        }
    }
}
