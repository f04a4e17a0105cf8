using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Minato.Docker.Containers.Pods;
using Minato.Docker.Http;
using Minato.Docker.Networks;
using Minato.Engine.Containers;
using Minato.Engine.Coordination;
using Minato.Engine.Images.Store;

namespace Minato.Docker.Containers;

/// <summary>The Docker door's containers: its records beside the engine's, their lifecycle with dockerd's rules (304
/// for a start or stop that changes nothing, 409 for a conflict), networks around each run, waits, auto-remove and
/// restart policies.</summary>
/// <remarks>Engine changes arrive under the engine's state lock; they are queued and handled on one background loop
/// so a handler never calls back into the engine from inside that lock.</remarks>
public sealed partial class DockerContainers : IDisposable
{
    /// <summary>The engine owner of every container this door makes; the CRI never lists them.</summary>
    public const string Owner = "docker";

    /// <summary>dockerd's default stop timeout.</summary>
    public static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(10);

    private readonly ContainerService _engine;
    private readonly DockerContainerStore _store;
    private readonly ImageStore _images;
    private readonly ContainerNetworks _networks;
    private readonly DockerSpecBuilder _specs;
    private readonly DockerHostOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DockerContainers> _logger;
    private readonly Events.DockerEvents _events;
    private readonly Engine.Volumes.VolumeService _volumes;
    private readonly KeyedLocks _locks = new();
    private readonly Channel<(string Id, PendingWork Work)> _changes = Channel.CreateUnbounded<(string Id, PendingWork Work)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, List<ExitWaiter>> _waiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _lastExit = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public DockerContainers(
        ContainerService engine, DockerContainerStore store, ImageStore images, ContainerNetworks networks, DockerSpecBuilder specs,
        DockerHostOptions options, TimeProvider time, ILogger<DockerContainers> logger, Events.DockerEvents events,
        Engine.Volumes.VolumeService volumes, PodContainerView pods)
    {
        PodView = pods;
        _events = events;
        _volumes = volumes;
        _engine = engine;
        _store = store;
        _images = images;
        _networks = networks;
        _specs = specs;
        _options = options;
        _time = time;
        _logger = logger;
        Health = new HealthChecks(engine, time, logger, (id, action) =>
        {
            if (_store.Get(id) is { } container)
            {
                Publish(action, container);
            }
        });
        _engine.Changed += OnChanged;
        _loop = Task.Run(() => HandleChangesAsync(_stopping.Token));
    }

    /// <summary>The health checks of running containers.</summary>
    public HealthChecks Health { get; }

    /// <summary>The pod containers shown read-only beside the door's own.</summary>
    public PodContainerView PodView { get; }

    /// <summary>The door's record of <paramref name="reference"/> (id, name or unique id prefix), for a call that may
    /// change it.</summary>
    /// <exception cref="DockerApiException">404 <c>No such container: x</c>; 403 when it names a pod container.</exception>
    public DockerContainer Get(string reference) =>
        _store.Resolve(reference) ??
        (PodView.Resolve(reference) is { } pod ? throw PodContainerView.Refusal(pod.Container) : throw DockerApiException.NotFound($"No such container: {reference}"));

    /// <summary>The container <paramref name="reference"/> names, the door's own or a pod's, with its state, for a call
    /// that only reads it (inspect, logs, top, wait, stats).</summary>
    /// <exception cref="DockerApiException">404 <c>No such container: x</c>.</exception>
    public (DockerContainer Container, ContainerRecord State) View(string reference) =>
        _store.Resolve(reference) is { } own ? (own, State(own))
            : PodView.Resolve(reference) ?? throw DockerApiException.NotFound($"No such container: {reference}");

    /// <summary>Every Docker container with its engine state, oldest first.</summary>
    public IReadOnlyList<(DockerContainer Container, ContainerRecord State)> List() =>
        _store.All.Select(c => _engine.Find(c.Id) is { } state ? (c, state) : default)
            .Where(p => p.c is not null)
            .OrderBy(p => p.state.CreatedAt)
            .ToList();

    /// <summary>The engine's state of the container.</summary>
    public ContainerRecord State(DockerContainer container) =>
        _engine.Find(container.Id) ?? throw DockerApiException.NotFound($"No such container: {container.Id}");

    /// <summary>The door's record as last stored (after a change by another call).</summary>
    public DockerContainer Current(DockerContainer container) => _store.Get(container.Id) ?? container;

    /// <summary>Renames the container.</summary>
    /// <exception cref="DockerApiException">400 for a bad name, 409 when it is taken.</exception>
    public void Rename(DockerContainer container, string name)
    {
        var checkedName = ContainerNames.Checked(name);
        if (_store.All.FirstOrDefault(c => c.Name == checkedName && c.Id != container.Id) is { } other)
        {
            throw NameConflict(checkedName, other.Id);
        }

        var renamed = Update(container.Id, c => c with { Name = checkedName });
        Publish("rename", renamed, ("oldName", container.Name));
    }

    /// <summary>Freezes or thaws the container's processes.</summary>
    /// <exception cref="DockerApiException">409 when it is not running, or already in that state.</exception>
    public async Task PauseAsync(DockerContainer container, bool pause, CancellationToken cancellationToken)
    {
        using var held = await _locks.AcquireAsync(container.Id, cancellationToken);
        container = Current(container);
        if (State(container).Phase != ContainerPhase.Running)
        {
            throw DockerApiException.Conflict($"Container {container.Id} is not running");
        }

        if (container.Paused == pause)
        {
            throw DockerApiException.Conflict(pause ? $"Container {container.Id} is already paused" : $"Container {container.Id} is not paused");
        }

        await _engine.FreezeAsync(container.Id, pause, cancellationToken);
        Publish(pause ? "pause" : "unpause", Update(container.Id, c => c with { Paused = pause }));
    }

    /// <summary>Publishes a container event with dockerd's attributes: the image, the name and the container's labels.</summary>
    private void Publish(string action, DockerContainer container, params (string Key, string Value)[] extra)
    {
        var attributes = new Dictionary<string, string>(container.Config.Labels ?? [], StringComparer.Ordinal)
        {
            ["image"] = container.ImageName,
            ["name"] = container.ShortName,
        };
        foreach (var (key, value) in extra)
        {
            attributes[key] = value;
        }

        _events.Publish("container", action, container.Id, attributes);
    }

    public void Dispose()
    {
        _engine.Changed -= OnChanged;
        Health.Dispose();
        _changes.Writer.TryComplete();
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private DockerContainer Update(string id, Func<DockerContainer, DockerContainer> change)
    {
        lock (_store)
        {
            var current = _store.Get(id) ?? throw DockerApiException.NotFound($"No such container: {id}");
            return _store.Update(change(current));
        }
    }

    private static DockerApiException NameConflict(string name, string id) => DockerApiException.Conflict(
        $"Conflict. The container name \"{name}\" is already in use by container \"{id}\". You have to remove (or rename) that container to be able to reuse that name.");

    private static DockerApiException NotRunning(string id) => DockerApiException.Conflict($"Container {id} is not running");
}
