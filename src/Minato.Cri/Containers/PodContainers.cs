using Minato.Cri.Events;
using Minato.Cri.Pods;
using Minato.Engine.Containers;
using Minato.Engine.Coordination;
using Minato.Engine.Errors;
using Minato.Engine.Images.Store;

namespace Minato.Cri.Containers;

/// <summary>The CRI's containers: pod membership, names and attempts, labels, CRI log paths and events, on top of the
/// engine's <see cref="ContainerService"/>, which does the work.</summary>
/// <remarks>
/// The CRI record is written before the engine's and deleted after it, so a crash leaves at most a CRI record without
/// an engine record, which <see cref="RecoverAsync"/> drops.
/// </remarks>
public sealed class PodContainers : IPodContainers
{
    /// <summary>The owner name of CRI containers in the engine.</summary>
    public const string Owner = "cri";

    private readonly CriContainerStore _store;
    private readonly SandboxStore _sandboxes;
    private readonly ImageStore _images;
    private readonly ContainerService _engine;
    private readonly ContainerSpecBuilder _specs;
    private readonly ContainerEventSource? _events;
    private readonly NameReservations _names = new("container");

    public PodContainers(
        CriContainerStore store,
        SandboxStore sandboxes,
        ImageStore images,
        ContainerService engine,
        ContainerSpecBuilder specs,
        ContainerEventSource? events = null)
    {
        _store = store;
        _sandboxes = sandboxes;
        _images = images;
        _engine = engine;
        _specs = specs;
        _events = events;
        _engine.Changed += OnChanged;
    }

    /// <summary>Creates the container (not started) in a ready pod; on any failure nothing of it is left behind.</summary>
    public async Task<PodContainer> CreateAsync(string podId, ContainerConfig config, CancellationToken cancellationToken)
    {
        if (config.Metadata.Name.Length == 0)
        {
            throw new InvalidInputException("metadata.name is required");
        }

        var pod = _sandboxes.Find(podId) is { Phase: not SandboxPhase.Creating } found ? found : throw new NotFoundException($"pod sandbox {podId} not found");
        if (!pod.IsReady)
        {
            throw new PreconditionException($"pod sandbox {pod.Id} is not ready");
        }

        // KEP-127: every container of a pod shares the pod's user namespace; the kubelet sends the pod's options again.
        if (config.Security.Namespaces.User is { } user && !user.SameAs(pod.Config.UserNamespace))
        {
            throw new InvalidInputException(
                $"namespace_options.userns_options of container {config.Metadata.Name} (mode {user.Mode}, {user.Uids.Count} uid and {user.Gids.Count} gid ranges) differ from its pod's (mode {pod.Config.UserNamespace.Mode}, {pod.Config.UserNamespace.Uids.Count} uid and {pod.Config.UserNamespace.Gids.Count} gid ranges)");
        }

        // CRI-O's rule: an image that names a file is a checkpoint archive to restore (no image reference starts with '/').
        if (Path.IsPathRooted(config.Image.Image))
        {
            return await CreateRestoringAsync(pod, config, cancellationToken);
        }

        // The same resolver as ImageStatus and RemoveImage, so an image pulled as gcr.io/x/y is found as gcr.io/x/y.
        var image = _images.Resolve(config.Image.Image) ?? throw new NotFoundException($"image {config.Image.Image} not found: pull it first");

        // CRI-O's other form: an image annotated as a checkpoint holds the archive's files in its layer.
        if (await _engine.IsCheckpointImageAsync(image, cancellationToken))
        {
            using var held = await _engine.UnpackCheckpointImageAsync(image, config.Image.Image, cancellationToken);
            return await CreateRestoringAsync(pod, config, held, cancellationToken);
        }

        return await CreateAsync(pod, config, image, null, cancellationToken);
    }

    /// <summary>CreateContainer whose image is a checkpoint archive: the container is made from the image the
    /// checkpoint was taken from, with its root filesystem changes, and StartContainer restores its processes.</summary>
    private async Task<PodContainer> CreateRestoringAsync(PodSandbox pod, ContainerConfig request, CancellationToken cancellationToken)
    {
        using var checkpoint = await _engine.UnpackCheckpointAsync(request.Image.Image, cancellationToken);
        return await CreateRestoringAsync(pod, request, checkpoint, cancellationToken);
    }

    /// <summary>The restore from an unpacked checkpoint (from an archive or a checkpoint image); the caller disposes it.</summary>
    private async Task<PodContainer> CreateRestoringAsync(PodSandbox pod, ContainerConfig request, UnpackedCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var name = CheckpointRestoreConfig.ImageOf(checkpoint);
        ImageRecord? image;
        try
        {
            image = name.Length == 0 ? null : _images.Resolve(name);
        }
        catch (InvalidInputException e)
        {
            throw new InvalidInputException($"{checkpoint.Source} is not usable: its config.dump names image \"{name}\": {e.Message}", e);
        }

        if (image is null)
        {
            throw new NotFoundException($"image \"{name}\", which {checkpoint.Source} was taken from, not found: pull it first");
        }

        return await CreateAsync(pod, CheckpointRestoreConfig.For(request, checkpoint, image.Id), image, checkpoint, cancellationToken);
    }

    private async Task<PodContainer> CreateAsync(PodSandbox pod, ContainerConfig config, ImageRecord image, UnpackedCheckpoint? checkpoint, CancellationToken cancellationToken)
    {
        // KEP-4639: an image volume's image is resolved like the container's; the kubelet pulls it first.
        var volumes = config.Mounts.Where(m => m.Image.Length > 0).Select(m => new ImageVolume(
            _images.Resolve(m.Image) ?? throw new NotFoundException($"image {m.Image} of mount {m.ContainerPath} not found: pull it first"),
            m.ImageSubPath)).ToList();

        var id = ContainerService.NewId();
        var entry = new CriContainer { Id = id, PodId = pod.Id, Config = config };
        using var reservation = _names.Reserve(entry.NameKey, id);
        _store.Insert(entry);
        try
        {
            var description = new ContainerDescription(id, Owner, config.Metadata.Name, image, pod.RuntimeHandler, config.FullLogPath,
                config.Tty, config.Stdin, config.StdinOnce, rootfs => Spec(rootfs, config, pod))
            {
                ImageVolumes = volumes,
                Restore = checkpoint,
                CdiDevices = ContainerCdiDevices.Requested(config),
                UserNamespace = pod.NamespacePaths.GetValueOrDefault("user") is { } userNamespace
                    ? new ContainerUserNamespace(userNamespace, pod.Config.UserNamespace.Mappings)
                    : null,
            };
            return new PodContainer(entry, await _engine.CreateAsync(description, cancellationToken));
        }
        catch when (_engine.Recorded(id) is null)
        {
            // The engine undid its part; a record it could not undo keeps the name until recovery finishes the undo.
            _store.Delete(id);
            throw;
        }
    }

    /// <summary>The container with this id or unique prefix, its state brought up to date.</summary>
    /// <exception cref="NotFoundException">No such container.</exception>
    public PodContainer Get(string id) =>
        _store.Find(id) is { } entry && _engine.Find(entry.Id) is { } state ? new PodContainer(entry, state) : throw new NotFoundException($"container {id} not found");

    /// <summary>Containers matching the filter; containers still being created are not listed.</summary>
    public IReadOnlyList<PodContainer> List(ContainerFilter filter)
    {
        IEnumerable<CriContainer> entries = _store.All;
        if (filter.Id is { Length: > 0 } id)
        {
            entries = _store.Find(id) is { } one ? [one] : [];
        }

        if (filter.PodId is { Length: > 0 } podId)
        {
            var pod = _sandboxes.Find(podId)?.Id ?? podId;
            entries = entries.Where(c => c.PodId == pod);
        }

        if (filter.Labels.Count > 0)
        {
            entries = entries.Where(c => LabelSelector.Matches(c.Config.Labels, filter.Labels));
        }

        var current = entries.Select(e => _engine.Find(e.Id) is { } state ? new PodContainer(e, state) : null).OfType<PodContainer>();
        if (filter.Phase is { } phase)
        {
            current = current.Where(c => c.Phase == phase);
        }

        return current.OrderBy(c => c.CreatedAt).ToList();
    }

    /// <summary>Starts the container; one created from a checkpoint archive is restored instead.</summary>
    public async Task StartAsync(string id, CancellationToken cancellationToken) => await _engine.StartAsync(Get(id).Id, cancellationToken);

    /// <summary>Sends the stop signal, waits up to <paramref name="timeout"/>, then SIGKILL. Unknown or stopped containers succeed.</summary>
    public async Task StopAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_store.Find(id) is { } entry)
        {
            await _engine.StopAsync(entry.Id, timeout, cancellationToken);
        }
    }

    /// <summary>Removes the container and everything it holds (force-stopping it). Unknown ids succeed.</summary>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        if (_store.Find(id) is not { } entry)
        {
            return;
        }

        // The engine's record goes first: a CRI record alone is what recovery knows how to drop.
        await _engine.RemoveAsync(entry.Id, cancellationToken);
        _store.Delete(entry.Id);
    }

    public async Task StopAllAsync(string podId, CancellationToken cancellationToken)
    {
        foreach (var entry in _store.All.Where(c => c.PodId == podId).ToList())
        {
            await _engine.StopAsync(entry.Id, TimeSpan.Zero, cancellationToken);
        }
    }

    public async Task RemoveAllAsync(string podId, CancellationToken cancellationToken)
    {
        foreach (var entry in _store.All.Where(c => c.PodId == podId).ToList())
        {
            await RemoveAsync(entry.Id, cancellationToken);
        }
    }

    /// <summary>After the engine's recovery: drops CRI records whose engine record is gone (a create or remove cut short)
    /// and engine containers of the CRI that have no CRI record.</summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in _store.All.ToList())
        {
            if (_engine.Recorded(entry.Id) is null)
            {
                _store.Delete(entry.Id);
            }
        }

        foreach (var state in _engine.List(Owner))
        {
            if (_store.Get(state.Id) is null)
            {
                await _engine.RemoveAsync(state.Id, cancellationToken);
            }
        }
    }

    /// <summary>Runs a command in the running container, bounded in time and output (ExecSync).</summary>
    public Task<ExecResult> ExecSyncAsync(string id, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken) =>
        _engine.ExecSyncAsync(Get(id).Id, command, timeout, cancellationToken);

    /// <summary>Current use of the containers matching <paramref name="filter"/>.</summary>
    public IReadOnlyList<PodContainerUsage> Usage(ContainerFilter filter) => List(filter).Select(Usage).ToList();

    /// <summary>Current use of one listed container: its cgroup is read now, so a streamed list reads it chunk by chunk.</summary>
    public PodContainerUsage Usage(PodContainer container) => new(container, _engine.Usage(container.State));

    /// <summary>Applies <paramref name="resources"/> to a created or running container and records them; an exited one only records them.</summary>
    public async Task UpdateResourcesAsync(string id, ContainerResources resources, CancellationToken cancellationToken)
    {
        var container = Get(id);

        // Built by the same rules as at create, so the values are validated the same way; device rules stay as created.
        var linux = ContainerCgroup.Resources(resources, [], _specs.Options) with { Devices = null };
        await _engine.UpdateResourcesAsync(container.Id, linux, cancellationToken);
        if (_store.Get(container.Id) is { } current)
        {
            _store.Update(current with { Config = current.Config with { Resources = resources } });
        }
    }

    /// <summary>Asks the running container's monitor to reopen the CRI log after the kubelet rotated it; no line is lost.</summary>
    public Task ReopenLogAsync(string id, CancellationToken cancellationToken) => _engine.ReopenLogAsync(Get(id).Id, cancellationToken);

    /// <summary>Checkpoints the running container into the archive at <paramref name="location"/> (CRI-O's layout); the
    /// container keeps running. A <paramref name="timeout"/> of zero means the engine's default.</summary>
    public async Task CheckpointAsync(string id, string location, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var container = Get(id);
        var image = container.Config.Image.UserSpecifiedImage.Length > 0 ? container.Config.Image.UserSpecifiedImage : container.Config.Image.Image;
        await _engine.CheckpointAsync(container.Id, new ContainerCheckpoint(location, timeout, LeaveRunning: true, ImageName: image), cancellationToken);
    }

    private PreparedSpec Spec(ContainerRootfs rootfs, ContainerConfig config, PodSandbox pod)
    {
        // Image volumes are bound from the host paths the engine mounted, handed over in request order.
        var next = 0;
        config = config with
        {
            Mounts = config.Mounts.Select(m => m.Image.Length > 0 ? m with { HostPath = rootfs.ImageVolumes[next++] } : m).ToList(),
        };
        var spec = _specs.Build(new ContainerSpecRequest(rootfs.ContainerId, config, pod, rootfs.Image, rootfs.Path));
        return new PreparedSpec(spec.Spec, spec.RootfsDirectories, spec.StopSignal);
    }

    /// <summary>Turns the engine's changes of CRI containers into CRI events, with the pod's state right after the change
    /// (what the kubelet's evented PLEG reads). Runs under the engine's state lock, so it reads records as recorded.</summary>
    private void OnChanged(ContainerChange change)
    {
        if (_events is not { HasSubscribers: true } || change.Container.Owner != Owner || _store.Get(change.Container.Id) is not { } entry)
        {
            return;
        }

        var kind = change.Kind switch
        {
            ContainerChangeKind.Created => ContainerEventKind.Created,
            ContainerChangeKind.Started => ContainerEventKind.Started,
            ContainerChangeKind.Exited => ContainerEventKind.Stopped,
            _ => ContainerEventKind.Deleted,
        };
        var podContainers = _store.All
            .Where(c => c.PodId == entry.PodId)
            .Select(c => _engine.Recorded(c.Id) is { Phase: not ContainerPhase.Creating } state ? new PodContainer(c, state) : null)
            .OfType<PodContainer>()
            .OrderBy(c => c.CreatedAt)
            .ToList();
        _events.Publish(new ContainerEvent(entry.Id, kind, change.At, _sandboxes.Get(entry.PodId), podContainers));
    }
}

/// <summary>ListContainers filter in core terms; empty fields match everything.</summary>
/// <param name="Id">Full id or unique prefix.</param>
/// <param name="PodId">The pod's id or unique prefix.</param>
/// <param name="Phase">Only containers in this phase.</param>
/// <param name="Labels">Labels that must all match exactly.</param>
public sealed record ContainerFilter(string? Id, string? PodId, ContainerPhase? Phase, IReadOnlyDictionary<string, string> Labels);

/// <summary>One pod container's resource use at one moment.</summary>
/// <param name="Container">The container, as listed.</param>
/// <param name="Sample">What the engine read.</param>
public sealed record PodContainerUsage(PodContainer Container, ContainerUsage Sample)
{
    /// <summary>Unix nanoseconds when it was read.</summary>
    public long Timestamp => Sample.Timestamp;

    /// <summary>cgroup CPU and memory; null when the container does not run.</summary>
    public Engine.Linux.Cgroups.CgroupUsage? Usage => Sample.Usage;

    /// <summary>CPU use rate since the previous reading (null on the first one).</summary>
    public ulong? NanoCores => Sample.NanoCores;

    public ulong LayerBytes => Sample.LayerBytes;

    public ulong LayerInodes => Sample.LayerInodes;
}
