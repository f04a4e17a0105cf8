using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Minato.Cri.Events;
using Minato.Cri.Images;
using Minato.Cri.Pods;
using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Manifests;
using Minato.Engine.Images.Store;
using Minato.Engine.Linux;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Monitor;
using Minato.Engine.Oci;

namespace Minato.Cri.Containers;

/// <summary>Container lifecycle: create, start, stop, remove, status, list, exits, and recovery after a restart.</summary>
/// <remarks>
/// Like pod sandboxes, a container is recorded (phase Creating) before any side effect, and one idempotent teardown
/// serves rollback, remove and recovery. conmon owns the running container; the daemon learns of exits from the
/// exit files conmon writes, through one inotify watch on the exit directory.
/// </remarks>
public sealed partial class ContainerLifecycle(
    ContainerStore store,
    SandboxStore sandboxes,
    ImageStore images,
    ContainerSpecBuilder specs,
    IOverlayMounts mounts,
    ContainerLifecycleOptions options,
    TimeProvider time,
    ILogger<ContainerLifecycle> logger,
    ContainerEventSource? events = null) : IPodContainers, IImageUsage, IDisposable
{
    private readonly ConcurrentDictionary<string, string> _reservedNames = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly Conmon _conmon = new(options.Conmon);

    /// <summary>Creates the container (not started); on any failure nothing of it is left behind.</summary>
    public async Task<ContainerRecord> CreateAsync(string podId, ContainerConfig config, CancellationToken cancellationToken)
    {
        if (config.Metadata.Name.Length == 0)
        {
            throw new InvalidInputException("metadata.name is required");
        }

        var pod = sandboxes.Find(podId) is { Phase: not SandboxPhase.Creating } found ? found : throw new NotFoundException($"pod sandbox {podId} not found");
        if (!pod.IsReady)
        {
            throw new PreconditionException($"pod sandbox {pod.Id} is not ready");
        }

        var image = images.Find(config.Image.Image) ?? throw new NotFoundException($"image {config.Image.Image} not found: pull it first");
        var handler = Handler(pod.RuntimeHandler);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var key = ContainerRecord.NameKeyOf(pod.Id, config.Metadata);

        // The database refuses a second record with this key; the reservation also covers a create still in flight.
        if (!_reservedNames.TryAdd(key, id))
        {
            throw new AlreadyExistsException($"container {key} is already being created by another call");
        }

        var gate = Gate(id);
        await gate.WaitAsync(CancellationToken.None);
        try
        {
            var record = Plan(id, pod, config, image, handler);
            store.Insert(record);
            try
            {
                return await MakeAsync(record, pod, image, handler, cancellationToken);
            }
            catch (Exception e)
            {
                await RollBackAsync(id, e);
                throw;
            }
        }
        finally
        {
            gate.Release();
            _reservedNames.TryRemove(new KeyValuePair<string, string>(key, id));
        }
    }

    /// <summary>The container with this id or unique prefix, its state brought up to date with its exit file.</summary>
    /// <exception cref="NotFoundException">No such container.</exception>
    public ContainerRecord Get(string id) =>
        store.Find(id) is { Phase: not ContainerPhase.Creating } record ? Reconcile(record) : throw new NotFoundException($"container {id} not found");

    /// <summary>Containers matching the filter; containers still being created are not listed.</summary>
    public IReadOnlyList<ContainerRecord> List(ContainerFilter filter)
    {
        IEnumerable<ContainerRecord> records = store.All.Where(c => c.Phase != ContainerPhase.Creating);
        if (filter.Id is { Length: > 0 } id)
        {
            records = store.Find(id) is { Phase: not ContainerPhase.Creating } one ? [one] : [];
        }

        if (filter.PodId is { Length: > 0 } podId)
        {
            var pod = sandboxes.Find(podId)?.Id ?? podId;
            records = records.Where(c => c.PodId == pod);
        }

        foreach (var (label, value) in filter.Labels)
        {
            records = records.Where(c => c.Config.Labels.TryGetValue(label, out var v) && v == value);
        }

        var current = records.Select(Reconcile);
        if (filter.Phase is { } phase)
        {
            current = current.Where(c => c.Phase == phase);
        }

        return current.OrderBy(c => c.CreatedAt).ToList();
    }

    /// <summary>Ids of the containers whose rootfs stacks this image's layers.</summary>
    public IReadOnlyList<string> ContainersUsing(string imageId) =>
        store.All.Where(c => c.ImageId == imageId).Select(c => c.Id).ToList();

    private ContainerRecord Plan(string id, PodSandbox pod, ContainerConfig config, ImageRecord image, OciRuntimeHandler handler)
    {
        var bundle = options.BundleDirectory(id);
        return new ContainerRecord
        {
            Id = id,
            PodId = pod.Id,
            Config = config,
            ImageId = image.Id,
            RuntimeHandler = handler.Name,
            Phase = ContainerPhase.Creating,
            CreatedAt = Nanoseconds(time.GetUtcNow()),
            BundleDirectory = bundle,
            LayerDirectory = options.LayerDirectory(id),
            LogPath = config.FullLogPath.Length > 0 ? Path.GetFullPath(config.FullLogPath) : Path.Combine(bundle, "container.log"),
        };
    }

    private async Task<ContainerRecord> MakeAsync(ContainerRecord record, PodSandbox pod, ImageRecord image, OciRuntimeHandler handler, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(record.BundleDirectory);

        // overlayfs lists lower dirs top first; the image lists its layers bottom first.
        var lowers = image.Layers.Reverse().Select(l => images.Snapshots.PathOf(l.Snapshot)).ToList();
        mounts.MountOverlay(record.RootfsPath, lowers, Path.Combine(record.LayerDirectory, "upper"), Path.Combine(record.LayerDirectory, "work"));
        var imageConfig = await ReadImageConfigAsync(image, cancellationToken);
        var spec = specs.Build(new ContainerSpecRequest(record.Id, record.Config, pod, imageConfig, record.RootfsPath));
        await File.WriteAllBytesAsync(Path.Combine(record.BundleDirectory, "config.json"), spec.ToJson(), cancellationToken);
        RootfsDirectories.Create(record.RootfsPath, spec.RootfsDirectories);
        Directory.CreateDirectory(Path.GetDirectoryName(record.LogPath)!);
        record = store.Update(record with { StopSignal = spec.StopSignal });
        var launch = new ContainerLaunch(record.Id, record.Config.Metadata.Name, record.BundleDirectory, handler, record.LogPath,
            record.Config.Tty, record.Config.Stdin, record.Config.StdinOnce);
        var pid = await _conmon.CreateAsync(launch, options.RuntimeTimeout, cancellationToken);
        var memoryCgroup = OomKills.MemoryCgroupOf(pid) ?? string.Empty;
        lock (_stateLock)
        {
            record = store.Update(record with { Phase = ContainerPhase.Created, Pid = pid, MemoryCgroup = memoryCgroup });
            Publish(record.Id, record.PodId, ContainerEventKind.Created);
        }

        ContainerLog.Created(logger, record.Id, record.NameKey, image.Id);
        return record;
    }

    private async Task<ImageRuntimeConfig> ReadImageConfigAsync(ImageRecord image, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(image.Id);
        var bytes = await images.Content.ReadAllAsync(digest, cancellationToken);
        var config = ManifestParser.ParseConfig(bytes, digest, image.Layers.Count).Config;
        if (config is null)
        {
            return ImageRuntimeConfig.Empty;
        }

        return new ImageRuntimeConfig
        {
            Entrypoint = config.Entrypoint ?? [],
            Cmd = config.Cmd ?? [],
            Env = config.Env ?? [],
            WorkingDir = config.WorkingDir ?? string.Empty,
            User = config.User ?? string.Empty,
            Volumes = config.Volumes?.Keys.ToList() ?? [],
            StopSignal = config.StopSignal ?? string.Empty,
            Labels = config.Labels ?? new Dictionary<string, string>(),
        };
    }

    private OciRuntimeHandler Handler(string name) =>
        options.Handlers.FirstOrDefault(h => h.Name == name)
        ?? throw new PreconditionException($"runtime handler {name} of the pod is no longer configured");

    private OciRuntimeCli Cli(ContainerRecord record) => new(Handler(record.RuntimeHandler), options.RuntimeTimeout);

    private SemaphoreSlim Gate(string id) => _locks.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));

    private static long Nanoseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
}

/// <summary>ListContainers filter in core terms; empty fields match everything.</summary>
/// <param name="Id">Full id or unique prefix.</param>
/// <param name="PodId">The pod's id or unique prefix.</param>
/// <param name="Phase">Only containers in this phase.</param>
/// <param name="Labels">Labels that must all match exactly.</param>
public sealed record ContainerFilter(string? Id, string? PodId, ContainerPhase? Phase, IReadOnlyDictionary<string, string> Labels);
