using System.Threading.Channels;
using Minato.Engine.Errors;

namespace Minato.Cri.Events;

/// <summary>Fans container events out to subscribers (GetContainerEvents streams), each through its own bounded channel.</summary>
/// <remarks>
/// Publishing never waits: a subscriber whose queue is full is cut off with an <see cref="OverloadedException"/>
/// instead of blocking the lifecycle or buffering without end. Dropping single events silently would leave the
/// kubelet with a wrong picture; an ended stream makes its evented PLEG fall back to relisting and subscribe again.
/// </remarks>
public sealed class ContainerEventSource(int capacity = ContainerEventSource.DefaultCapacity)
{
    /// <summary>Events a subscriber may fall behind by: far more than a node's burst of pod starts.</summary>
    public const int DefaultCapacity = 1024;

    private readonly Lock _lock = new();
    private ContainerEventSubscription[] _subscriptions = [];

    /// <summary>True while someone listens; publishers skip building events otherwise.</summary>
    public bool HasSubscribers => Volatile.Read(ref _subscriptions).Length > 0;

    /// <summary>A new subscription that sees every event published from now on, until it is disposed.</summary>
    public ContainerEventSubscription Subscribe()
    {
        var subscription = new ContainerEventSubscription(this, Channel.CreateBounded<ContainerEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        }));
        lock (_lock)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        return subscription;
    }

    /// <summary>Hands the event to every subscriber without waiting; one that is full is ended.</summary>
    public void Publish(ContainerEvent containerEvent)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (!subscription.Channel.Writer.TryWrite(containerEvent))
            {
                subscription.Channel.Writer.TryComplete(new OverloadedException(
                    $"the event subscriber fell {capacity} events behind and was disconnected; list containers and subscribe again"));
                Remove(subscription);
            }
        }
    }

    internal void Remove(ContainerEventSubscription subscription)
    {
        lock (_lock)
        {
            _subscriptions = _subscriptions.Where(s => s != subscription).ToArray();
        }
    }
}
