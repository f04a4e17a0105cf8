using Minato.Engine.Errors;

namespace Minato.Engine.Containers;

/// <summary>A container's filesystem as data: what changed against its image.</summary>
public sealed partial class ContainerService
{
    /// <summary>The changes in the container's writable layer against its image's layers (created, running or exited).</summary>
    /// <exception cref="NotFoundException">No such container, or its image is gone.</exception>
    public IReadOnlyList<FileChange> Changes(string id)
    {
        var record = Get(id);
        var image = images.Find(record.ImageId) ?? throw new NotFoundException($"image {record.ImageId} of container {record.Id} not found");
        return OverlayChanges.Walk(Path.Combine(record.LayerDirectory, "upper"), LowerDirectories(image));
    }

    /// <summary>Writes the container's writable layer as an uncompressed OCI layer tar (see
    /// <see cref="Images.Snapshots.LayerDiffWriter"/>); best taken while it is not running, so the files hold still.</summary>
    /// <exception cref="NotFoundException">No such container, or its image is gone.</exception>
    public async Task<Images.Build.LayerFile> WriteLayerAsync(string id, CancellationToken cancellationToken)
    {
        var record = Get(id);
        var image = images.Find(record.ImageId) ?? throw new NotFoundException($"image {record.ImageId} of container {record.Id} not found");
        return await Images.Build.LayerFile.FromUpperAsync(
            images.Snapshots, Path.Combine(record.LayerDirectory, "upper"), LowerDirectories(image), cancellationToken);
    }

    /// <summary>The container's root filesystem (its mounted overlay: the image's layers and its writable layer) as a
    /// <see cref="Linux.RootedDirectory"/>, for reading and writing its files (created, running or exited).</summary>
    /// <exception cref="NotFoundException">No such container.</exception>
    /// <exception cref="PreconditionException">Its rootfs is not mounted.</exception>
    public Linux.RootedDirectory OpenRootfs(string id)
    {
        var record = Get(id);
        return mounts.IsMounted(record.RootfsPath)
            ? Linux.RootedDirectory.Open(record.RootfsPath)
            : throw new PreconditionException($"the root filesystem of container {record.Id} is not mounted");
    }
}
