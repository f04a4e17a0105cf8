using System.Threading.Channels;
using Minato.Engine;

namespace Minato.Docker.Events;

/// <summary>
/// The Docker front door's event bus: a bounded ring of recent events for <c>since</c>, and a channel per watcher of
/// <c>GET /events</c>. Route groups publish with <see cref="Publish"/>; nothing blocks on a slow watcher.
/// </summary>
public sealed class DockerEvents(TimeProvider time)
{
    /// <summary>Events kept for watchers that ask for the past (dockerd keeps 256; a node agent reconnecting wants more).</summary>
    public const int Capacity = 1024;

    /// <summary>Events a watcher may lag behind before the oldest of its queue are dropped.</summary>
    public const int WatcherQueue = 1024;

    private readonly Lock gate = new();
    private readonly Queue<DockerEvent> ring = new(Capacity);
    private readonly List<Channel<DockerEvent>> watchers = [];

    /// <summary>
    /// Records an event now. Container and image events also carry the legacy <c>status</c>/<c>id</c> fields (and
    /// <c>from</c>: the container's image, taken from the <c>image</c> attribute).
    /// </summary>
    /// <param name="type"><c>container</c>, <c>image</c>, <c>volume</c>, <c>network</c>.</param>
    /// <param name="action">dockerd's action name (<c>create</c>, <c>die</c>, <c>connect</c>, ...).</param>
    /// <param name="actorId">Container id, image id or reference, volume name, network id.</param>
    /// <param name="attributes">Extra attributes (<c>name</c>, <c>image</c>, <c>exitCode</c>, labels, ...).</param>
    public DockerEvent Publish(string type, string action, string actorId, IReadOnlyDictionary<string, string>? attributes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(action);
        ArgumentNullException.ThrowIfNull(actorId);
        var attrs = attributes ?? new Dictionary<string, string>();
        var nanos = time.UnixNanoseconds();
        var legacy = type is "container" or "image";
        var message = new DockerEvent
        {
            Status = legacy ? action : null,
            Id = legacy ? actorId : null,
            From = type == "container" ? attrs.GetValueOrDefault("image") : null,
            Type = type,
            Action = action,
            Actor = new EventActor(actorId, attrs),
            Time = nanos / 1_000_000_000,
            TimeNano = nanos,
        };
        lock (gate)
        {
            if (ring.Count == Capacity)
            {
                ring.Dequeue();
            }

            ring.Enqueue(message);
            foreach (var watcher in watchers)
            {
                watcher.Writer.TryWrite(message);
            }
        }

        return message;
    }

    /// <summary>The buffered events and a reader of every later one, taken atomically so none is missed or repeated.</summary>
    /// <returns>The backlog, the live reader, and the handle that stops the subscription.</returns>
    public (IReadOnlyList<DockerEvent> Backlog, ChannelReader<DockerEvent> Live, IDisposable Subscription) Subscribe()
    {
        var channel = Channel.CreateBounded<DockerEvent>(new BoundedChannelOptions(WatcherQueue)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (gate)
        {
            watchers.Add(channel);
            return ([.. ring], channel.Reader, new Subscription(this, channel));
        }
    }

    private void Unsubscribe(Channel<DockerEvent> channel)
    {
        lock (gate)
        {
            watchers.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    private sealed class Subscription(DockerEvents events, Channel<DockerEvent> channel) : IDisposable
    {
        public void Dispose() => events.Unsubscribe(channel);
    }
}
