using System.IO.Pipelines;
using Minato.Engine.Containers;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Linux;

namespace Minato.Docker.Containers;

/// <summary>
/// dockerd's copy-up: a volume that is empty when a container is created gets what the image holds at the volume's
/// path (files, owners, modes, symlinks as links), unless the request says <c>nocopy</c>. The copy is a tar written
/// from the container's rootfs and read back through the layers' unpacker, so a hostile image's symlinks and sizes
/// meet the same confinement and bounds as a layer or a <c>docker cp</c>.
/// </summary>
public sealed partial class DockerContainers
{
    /// <summary>The bounds of one copy, as for <c>docker cp</c>.</summary>
    private static readonly UnpackLimits VolumeCopyLimits = new() { MaxBytes = 8L << 30, MaxEntries = 1_000_000 };

    private async Task CopyImageContentAsync(DockerContainer container, CancellationToken cancellationToken)
    {
        foreach (var volume in container.Volumes.Where(v => !v.NoCopy && Directory.Exists(v.HostPath)))
        {
            if (Directory.EnumerateFileSystemEntries(volume.HostPath).Any())
            {
                continue;
            }

            using var rootfs = ContainerTree.RootfsOnly(_engine.OpenRootfs(container.Id));
            var path = ContainerFiles.Resolve(rootfs, volume.Destination, followLast: true);
            if (path.Length == 0 || rootfs.GetStatus(path) is not { IsDirectory: true } || rootfs.List(path, ContainerFiles.MaxEntries).Count == 0)
            {
                // Nothing there in the image (not a directory, or an empty one): the volume stays empty, as with dockerd.
                continue;
            }

            var pipe = new Pipe();
            var write = WriteAsync(rootfs, path, pipe.Writer, cancellationToken);
            using var target = ContainerTree.RootfsOnly(RootedDirectory.Open(volume.HostPath));
            try
            {
                await ContainerFiles.ExtractAsync(target, string.Empty, pipe.Reader.AsStream(), new UnpackOptions { Whiteouts = false }, VolumeCopyLimits, cancellationToken);
            }
            finally
            {
                await pipe.Reader.CompleteAsync();
                await write;
            }

            // The volume's own directory takes the image directory's owner and mode too (a database image's data
            // directory belongs to its user, and the service refuses to start otherwise).
            var status = rootfs.GetStatus(path)!.Value;
            using var root = RootedDirectory.Open(volume.HostPath);
            using var handle = root.OpenDirectory(string.Empty);
            handle.ChangeOwner(status.Uid, status.Gid);
            handle.ChangeMode(status.Permissions);
        }
    }

    private static async Task WriteAsync(ContainerTree rootfs, string path, PipeWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            await ContainerFiles.WriteTarAsync(rootfs, path, string.Empty, writer.AsStream(), cancellationToken);
            await writer.CompleteAsync();
        }
        catch (Exception e)
        {
            // The reader sees the error and reports it; nothing to add here.
            await writer.CompleteAsync(e);
        }
    }
}
