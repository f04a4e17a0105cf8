using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Minato.Engine.Coordination;
using Minato.Engine.Devices.Cdi;
using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Manifests;
using Minato.Engine.Images.Store;
using Minato.Engine.Linux;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Monitor;
using Minato.Engine.Oci;
using Minato.Engine.Oci.Spec;

namespace Minato.Engine.Containers;

/// <summary>The container lifecycle for every front door: create from a description and an image, start, stop, kill,
/// remove, exec, attach, exits and OOM kills, stats, log reopen, resource updates, recovery after a restart.</summary>
/// <remarks>
/// A container is recorded (phase Creating) before any side effect, and one idempotent teardown serves rollback,
/// remove and recovery. The monitor owns the running container; the service learns of exits from the exit files the
/// monitor writes, through one inotify watch on the exit directory. The service knows no front door: names, labels,
/// pods and log formats belong to the caller, which keeps its own record under the same id.
/// </remarks>
public sealed partial class ContainerService(
    ContainerStore store,
    ImageStore images,
    IOciRuntimes runtimes,
    IContainerMonitor monitor,
    IOverlayMounts mounts,
    ContainerServiceOptions options,
    TimeProvider time,
    ILogger<ContainerService> logger,
    CdiRegistry? cdi = null) : IImageUsage, IDisposable
{
    private readonly KeyedLocks _locks = new();

    /// <summary>Raised under the state lock for every change, in the order of the changes; handlers must be quick and
    /// must not call back into a method that waits for a container's lock.</summary>
    public event Action<ContainerChange>? Changed;

    /// <summary>A fresh container id: 64 random hex digits.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Creates the container (not started); on any failure nothing of it is left behind.</summary>
    /// <exception cref="PreconditionException">The runtime handler is not configured.</exception>
    /// <exception cref="AlreadyExistsException">A container with this id exists.</exception>
    /// <exception cref="InvalidInputException">A CDI device is unknown or cannot be used on this host.</exception>
    public async Task<ContainerRecord> CreateAsync(ContainerDescription description, CancellationToken cancellationToken)
    {
        var runtime = Runtime(description.RuntimeHandler);

        // Resolved before the container is recorded: an unknown device or a broken spec leaves nothing to undo.
        var devices = CdiDevices(description.CdiDevices);
        using var held = await _locks.AcquireAsync(description.Id, CancellationToken.None);
        var record = Plan(description);
        store.Insert(record);
        try
        {
            return await MakeAsync(record, description, runtime, devices, cancellationToken);
        }
        catch (Exception e)
        {
            await RollBackAsync(record.Id, e);
            throw;
        }
    }

    /// <summary>The container with this id or unique prefix, its state brought up to date with its exit file.</summary>
    /// <exception cref="NotFoundException">No such container (or it is still being created).</exception>
    public ContainerRecord Get(string id) => Find(id) ?? throw new NotFoundException($"container {id} not found");

    /// <summary>The container with this id or unique prefix, brought up to date; null when there is none.</summary>
    public ContainerRecord? Find(string id) =>
        store.Find(id) is { Phase: not ContainerPhase.Creating } record ? Reconcile(record) : null;

    /// <summary>Every container of <paramref name="owner"/> (all owners when null), brought up to date; containers still
    /// being created are not listed.</summary>
    public IReadOnlyList<ContainerRecord> List(string? owner = null) =>
        store.All.Where(c => c.Phase != ContainerPhase.Creating && (owner is null || c.Owner == owner)).Select(Reconcile).ToList();

    /// <summary>The container as last recorded, without looking for an exit; for change handlers, which run under the
    /// state lock and must not fold in exits themselves.</summary>
    public ContainerRecord? Recorded(string id) => store.Get(id);

    /// <summary>Ids of the containers whose rootfs stacks this image's layers or that show it as an image volume.</summary>
    public IReadOnlyList<string> ContainersUsing(string imageId) =>
        store.All.Where(c => c.ImageId == imageId || c.ImageMounts.Any(m => m.ImageId == imageId)).Select(c => c.Id).ToList();

    private ContainerRecord Plan(ContainerDescription description)
    {
        var bundle = options.BundleDirectory(description.Id);
        return new ContainerRecord
        {
            Id = description.Id,
            Owner = description.Owner,
            Name = description.Name,
            ImageId = description.Image.Id,
            RuntimeHandler = description.RuntimeHandler,
            Phase = ContainerPhase.Creating,
            CreatedAt = time.UnixNanoseconds(),
            BundleDirectory = bundle,
            LayerDirectory = options.LayerDirectory(description.Id),
            LogPath = description.LogPath.Length > 0 ? Path.GetFullPath(description.LogPath) : Path.Combine(bundle, "container.log"),
            Tty = description.Tty,
            Stdin = description.Stdin,
            StdinOnce = description.StdinOnce,
            ImageMounts = PlanImageMounts(bundle, description.ImageVolumes),
            UserNamespace = description.UserNamespace,
        };
    }

    private async Task<ContainerRecord> MakeAsync(
        ContainerRecord record, ContainerDescription description, IOciRuntime runtime, CdiInjection devices, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(record.BundleDirectory);
        if (record.UserNamespace is not null)
        {
            CheckReachable(record.BundleDirectory);
        }

        if (description.Restore is { } checkpoint)
        {
            record = await TakeOverCheckpointAsync(record, checkpoint, cancellationToken);
        }

        var image = description.Image;
        var idMap = record.UserNamespace?.IdMap;
        mounts.MountOverlay(record.RootfsPath, LowerDirectories(image), Path.Combine(record.LayerDirectory, "upper"), Path.Combine(record.LayerDirectory, "work"), idMap);
        if (description.Restore is { } restored)
        {
            RemoveDeletedFiles(record, restored);
        }

        var volumeSources = MountImageVolumes(record, description.ImageVolumes);
        var imageConfig = await ReadImageConfigAsync(image, cancellationToken);
        var spec = description.Spec(new ContainerRootfs(record.Id, record.RootfsPath, imageConfig) { ImageVolumes = volumeSources });
        if (devices.Devices.Count > 0)
        {
            spec = spec with { Spec = devices.Apply(spec.Spec) };
            ContainerLog.CdiDevices(logger, record.Id, string.Join(", ", devices.Devices));
        }

        if (record.UserNamespace is { } userNamespace)
        {
            spec = spec with { Spec = JoinUserNamespace(record, spec.Spec, userNamespace, volumeSources) };
        }

        await File.WriteAllBytesAsync(Path.Combine(record.BundleDirectory, "config.json"), JsonSerializer.SerializeToUtf8Bytes(spec.Spec, RuntimeSpecJsonContext.Default.RuntimeSpec), cancellationToken);
        RootfsDirectories.Create(record.RootfsPath, spec.RootfsDirectories, idMap is { RootUid: { } uid, RootGid: { } gid } ? (uid, gid) : null);
        Directory.CreateDirectory(Path.GetDirectoryName(record.LogPath)!);
        record = store.Update(record with { StopSignal = spec.StopSignal });
        if (record.CheckpointImages.Length > 0)
        {
            // The runtime makes a restored container at start, from CRIU's images; until then only the bundle exists.
            lock (_stateLock)
            {
                record = store.Update(record with { Phase = ContainerPhase.Created });
                Raise(record, ContainerChangeKind.Created);
            }

            ContainerLog.CreatedForRestore(logger, record.Id, record.Name, image.Id, description.Restore!.Archive);
            return record;
        }

        var launch = new ContainerLaunch(record.Id, record.Name, record.BundleDirectory, runtime.Handler, record.LogPath,
            record.Tty, record.Stdin, record.StdinOnce);
        var pid = await monitor.CreateAsync(launch, options.RuntimeTimeout, cancellationToken);
        var memoryCgroup = OomKills.MemoryCgroupOf(pid) ?? string.Empty;
        lock (_stateLock)
        {
            record = store.Update(record with { Phase = ContainerPhase.Created, Pid = pid, MemoryCgroup = memoryCgroup });
            Raise(record, ContainerChangeKind.Created);
        }

        ContainerLog.Created(logger, record.Id, record.Name, image.Id);
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

    private CdiInjection CdiDevices(IReadOnlyList<string> names) => names.Count == 0
        ? CdiInjection.Empty
        : (cdi ?? throw new InvalidInputException("CDI devices were requested but this engine has no CDI spec directories")).Resolve(names);

    private IOciRuntime Runtime(string handler) =>
        runtimes.Find(handler) ?? throw new PreconditionException($"runtime handler {handler} is no longer configured");

    private void Raise(ContainerRecord record, ContainerChangeKind kind) =>
        Changed?.Invoke(new ContainerChange(record, kind, time.UnixNanoseconds()));
}
