using System.Security.Cryptography;
using System.Text.Json;
using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Manifests;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Images.Store;
using Minato.Engine.Linux;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Monitor;
using Minato.Engine.Oci;

namespace Minato.Engine.Containers;

/// <summary>Restoring a container from a checkpoint archive, as CRI-O does: the archive is unpacked and checked before
/// create, create applies its root filesystem changes to the new container's writable layer, and start has the
/// runtime restore the processes from CRIU's images (under the monitor, as create is) instead of starting afresh.</summary>
public sealed partial class ContainerService
{
    /// <summary>The bound on the runtime's restore under the monitor; CRIU reads back every page of memory.</summary>
    public static readonly TimeSpan RestoreTimeout = TimeSpan.FromMinutes(4);

    /// <summary>The exit code recorded when a restore fails (containerd's and CRI-O's code for a failed start).</summary>
    public const int StartFailedExitCode = 128;

    /// <summary>Unpacks and validates the checkpoint archive at <paramref name="archive"/> into a private directory
    /// under the persistent root, for <see cref="ContainerDescription.Restore"/>; the caller disposes it if no container
    /// takes it over.</summary>
    /// <exception cref="NotFoundException">No file at <paramref name="archive"/>.</exception>
    /// <exception cref="InvalidInputException">The path is not usable, or the file is not a usable checkpoint archive.</exception>
    public async Task<UnpackedCheckpoint> UnpackCheckpointAsync(string archive, CancellationToken cancellationToken)
    {
        if (archive.Length > MaxLocationLength || archive.Contains('\0', StringComparison.Ordinal) || !Path.IsPathFullyQualified(archive))
        {
            throw new InvalidInputException($"checkpoint archive {archive[..Math.Min(archive.Length, 200)]} must be an absolute path without NUL, at most {MaxLocationLength} characters");
        }

        if (Directory.Exists(archive))
        {
            throw new InvalidInputException($"checkpoint archive {archive} is a directory; give the path of the archive file");
        }

        var directory = Path.Combine(options.CheckpointStagingDirectory, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        return await CheckpointArchiveReader.UnpackAsync(archive, directory, cancellationToken);
    }

    /// <summary>The annotations (on the manifest) or labels (in the config) that mark an image as holding a checkpoint
    /// rather than a root filesystem: CRI-O's, which <c>buildah config --annotation</c> sets, and CRIU's own.</summary>
    public static readonly IReadOnlyList<string> CheckpointImageAnnotations =
        ["io.kubernetes.cri-o.annotations.checkpoint.name", "org.criu.checkpoint.container.name"];

    /// <summary>Whether <paramref name="image"/> carries one of <see cref="CheckpointImageAnnotations"/> in its stored
    /// manifest's annotations or its config's labels.</summary>
    public async Task<bool> IsCheckpointImageAsync(ImageRecord image, CancellationToken cancellationToken)
    {
        if (Digest.TryParse(image.ManifestDigest, out var manifestDigest) && images.Content.Exists(manifestDigest))
        {
            var bytes = await images.Content.ReadAllAsync(manifestDigest, cancellationToken);
            ManifestDocument? manifest;
            try
            {
                manifest = JsonSerializer.Deserialize(bytes, OciJsonContext.Default.ManifestDocument);
            }
            catch (JsonException)
            {
                manifest = null;
            }

            if (manifest?.Annotations is { } annotations && CheckpointImageAnnotations.Any(annotations.ContainsKey))
            {
                return true;
            }
        }

        var configDigest = Digest.Parse(image.Id);
        var config = ManifestParser.ParseConfig(await images.Content.ReadAllAsync(configDigest, cancellationToken), configDigest, image.Layers.Count).Config;
        return config?.Labels is { } labels && CheckpointImageAnnotations.Any(labels.ContainsKey);
    }

    /// <summary>Copies the checkpoint that <paramref name="image"/> (a checkpoint image, see
    /// <see cref="IsCheckpointImageAsync"/>) holds in its one layer into a private directory under the persistent root
    /// and validates it exactly as an archive; the shared layer is only read. <paramref name="name"/> is the image as
    /// the caller named it, for messages. The caller disposes the result if no container takes it over.</summary>
    /// <exception cref="InvalidInputException">The image has other than one layer, or its layer is not a usable checkpoint.</exception>
    public async Task<UnpackedCheckpoint> UnpackCheckpointImageAsync(ImageRecord image, string name, CancellationToken cancellationToken)
    {
        if (image.Layers.Count != 1)
        {
            // Merging layers would mean applying whiteouts between them; a checkpoint image is one layer as built.
            throw new InvalidInputException(
                $"checkpoint image {name} is not usable: it has {image.Layers.Count} layers; a checkpoint image must have exactly one, holding the checkpoint's files");
        }

        var layer = image.Layers[0];
        using var lease = images.Lease([layer.Snapshot]);
        var snapshot = images.Snapshots.PathOf(layer.Snapshot);
        if (!Directory.Exists(snapshot))
        {
            throw new NotFoundException($"checkpoint image {name}: its layer {layer.DiffId} is not unpacked here: pull the image again");
        }

        var directory = Path.Combine(options.CheckpointStagingDirectory, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        return await Task.Run(() => CheckpointArchiveReader.CopyFromSnapshot(name, snapshot, directory), cancellationToken);
    }

    /// <summary>Moves the unpacked archive beside the writable layer and unpacks its root filesystem changes into the still
    /// empty writable layer, through the same confined, bounded unpacker as image layers.</summary>
    private async Task<ContainerRecord> TakeOverCheckpointAsync(ContainerRecord record, UnpackedCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(record.LayerDirectory);
        Directory.Move(checkpoint.Directory, record.CheckpointDirectory);
        record = store.Update(record with { CheckpointImages = Path.Combine(record.CheckpointDirectory, CheckpointArchive.CheckpointDirectory) });
        // An empty file is an empty tar as .NET's writer leaves it when the layer had no changes.
        var diff = Path.Combine(record.CheckpointDirectory, CheckpointArchive.RootfsDiffFile);
        if (!File.Exists(diff) || new FileInfo(diff).Length == 0)
        {
            return record;
        }

        var upper = Directory.CreateDirectory(Path.Combine(record.LayerDirectory, "upper")).FullName;
        await using var tar = new FileStream(diff, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        try
        {
            await new LayerUnpacker(new UnpackLimits { MaxBytes = tar.Length }).UnpackAsync(tar, upper, cancellationToken);
        }
        catch (Exception e) when (e is UnsafeLayerException or SizeLimitExceededException or Images.MalformedLayerException or InvalidDataException or EndOfStreamException)
        {
            throw new InvalidInputException($"{checkpoint.Source} is not usable: its {CheckpointArchive.RootfsDiffFile} was refused: {e.Message}");
        }

        return record;
    }

    /// <summary>Deletes what the checkpointed container had deleted, through the mounted rootfs (so overlayfs records
    /// whiteouts), each path resolved inside the rootfs.</summary>
    private static void RemoveDeletedFiles(ContainerRecord record, UnpackedCheckpoint checkpoint)
    {
        if (checkpoint.DeletedFiles.Count == 0)
        {
            return;
        }

        using var root = RootedDirectory.Open(record.RootfsPath);
        foreach (var path in checkpoint.DeletedFiles)
        {
            RemoveTree(root, path);
        }
    }

    private static void RemoveTree(RootedDirectory root, string path)
    {
        if (root.GetStatus(path) is not { } status)
        {
            return;
        }

        if (status.IsDirectory)
        {
            // Names are listed through the directory's own descriptor, never through a host path a symlink could redirect.
            List<string> names;
            using (var handle = root.OpenDirectoryNoFollow(path))
            {
                names = new DirectoryInfo($"/proc/self/fd/{handle.DangerousGetHandle()}")
                    .EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }).Select(i => i.Name).ToList();
            }

            foreach (var name in names)
            {
                RemoveTree(root, path + "/" + name);
            }
        }

        root.Remove(path);
    }

    /// <summary>Has the monitor run the runtime's restore from the container's checkpoint. On failure the runtime's state
    /// is removed and the container is recorded exited with the reason, as a failed start is.</summary>
    /// <exception cref="PreconditionException">The runtime or CRIU could not restore it; the message carries CRIU's
    /// error lines from its restore log.</exception>
    private async Task<(int Pid, string MemoryCgroup)> RestoreProcessesAsync(ContainerRecord record, CancellationToken cancellationToken)
    {
        var runtime = Runtime(record.RuntimeHandler);
        var launch = new ContainerLaunch(record.Id, record.Name, record.BundleDirectory, runtime.Handler, record.LogPath,
            record.Tty, record.Stdin, record.StdinOnce, record.CheckpointImages);
        try
        {
            var pid = await monitor.CreateAsync(launch, RestoreTimeout, cancellationToken);
            DeleteDirectory(record.CheckpointDirectory);
            ContainerLog.Restored(logger, record.Id);
            return (pid, OomKills.MemoryCgroupOf(pid) ?? string.Empty);
        }
        catch (OciRuntimeException e)
        {
            var criu = CriuLog.Errors(launch.RestoreLog);
            var message = $"restore of container {record.Id} from its checkpoint failed: {e.Message}" + (criu.Length > 0 ? $"; CRIU restore.log: {criu}" : string.Empty);
            await AbandonRestoreAsync(record, message);
            throw new PreconditionException(message, e);
        }
        catch (Exception e)
        {
            await AbandonRestoreAsync(record, $"restore of container {record.Id} from its checkpoint did not finish: {e.Message}");
            throw;
        }
    }

    private async Task AbandonRestoreAsync(ContainerRecord record, string message)
    {
        ContainerLog.RestoreFailed(logger, record.Id, message);
        try
        {
            await Runtime(record.RuntimeHandler).DeleteAsync(record.Id, force: true, CancellationToken.None);
        }
        catch (OciRuntimeException e)
        {
            ContainerLog.DeleteFailed(logger, record.Id, e.Message);
        }

        monitor.Forget(record.Id);
        DeleteDirectory(record.CheckpointDirectory);
        var now = time.UnixNanoseconds();
        lock (_stateLock)
        {
            if (store.Get(record.Id) is { } current)
            {
                store.Update(current with
                {
                    Phase = ContainerPhase.Exited,
                    ExitCode = StartFailedExitCode,
                    Reason = "StartError",
                    Message = message,
                    StartedAt = now,
                    FinishedAt = now,
                    CheckpointImages = string.Empty,
                });
            }
        }
    }
}
