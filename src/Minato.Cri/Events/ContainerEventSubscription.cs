using System.Threading.Channels;

namespace Minato.Cri.Events;

/// <summary>One subscriber's queue of container events; dispose it to stop receiving.</summary>
public sealed class ContainerEventSubscription : IDisposable
{
    private readonly ContainerEventSource _source;

    internal ContainerEventSubscription(ContainerEventSource source, Channel<ContainerEvent> channel)
    {
        _source = source;
        Channel = channel;
    }

    /// <summary>The events, in the order they were published; ends with an error when the subscriber fell behind.</summary>
    public ChannelReader<ContainerEvent> Reader => Channel.Reader;

    internal Channel<ContainerEvent> Channel { get; }

    public void Dispose()
    {
        _source.Remove(this);
        Channel.Writer.TryComplete();
    }
}
