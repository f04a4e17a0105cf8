using System.Globalization;
using Minato.Engine.Errors;
using Minato.Engine.Images.Store;
using Minato.Engine.Linux;

namespace Minato.Engine.Containers;

/// <summary>Image volumes: an image's layers as a read-only overlay under the container's bundle, bound into the container
/// by the spec; recorded before they are mounted, unmounted by teardown and remounted by recovery.</summary>
public sealed partial class ContainerService
{
    /// <summary>The image mounts a new container will hold, before anything is mounted (sub-paths checked as text).</summary>
    private static List<ContainerImageMount> PlanImageMounts(string bundle, IReadOnlyList<ImageVolume> volumes) =>
        volumes.Select((v, i) => new ContainerImageMount(
            v.Image.Id, ImageVolume.CleanSubPath(v.SubPath), Path.Combine(bundle, "image-mounts", i.ToString(CultureInfo.InvariantCulture)))).ToList();

    /// <summary>Mounts every image volume's overlay and resolves its sub-path inside it.</summary>
    /// <returns>The host paths the spec binds, in order.</returns>
    /// <exception cref="InvalidInputException">A sub-path does not exist in its image or leads out of it.</exception>
    private List<string> MountImageVolumes(ContainerRecord record, IReadOnlyList<ImageVolume> volumes)
    {
        var sources = new List<string>(record.ImageMounts.Count);
        for (var i = 0; i < record.ImageMounts.Count; i++)
        {
            var mount = record.ImageMounts[i];
            mounts.MountReadOnlyOverlay(mount.MountPoint, LowerDirectories(volumes[i].Image), record.UserNamespace?.IdMap);
            sources.Add(ResolveSubPath(mount));
        }

        return sources;
    }

    /// <summary>The sub-path below the mounted overlay, symlinks followed only while they stay inside the image.</summary>
    private static string ResolveSubPath(ContainerImageMount mount)
    {
        if (mount.SubPath.Length == 0)
        {
            return mount.MountPoint;
        }

        var (result, path) = BeneathPath.Find(mount.MountPoint, mount.SubPath);
        return result switch
        {
            BeneathResolution.Found => path,
            BeneathResolution.Missing => throw new InvalidInputException($"image sub-path \"{mount.SubPath}\" does not exist in image {mount.ImageId}"),
            _ => throw new InvalidInputException(
                $"image sub-path \"{mount.SubPath}\" leads out of image {mount.ImageId} (through '..', an absolute symlink or a symlink loop)"),
        };
    }

    /// <summary>Recovery: overlays lost while the daemon was down (a reboot empties the state root) are mounted again, so
    /// the bundle stays whole; a container already running keeps the mount it was created with.</summary>
    private void RemountImageVolumes(ContainerRecord record)
    {
        foreach (var mount in record.ImageMounts)
        {
            if (mounts.IsMounted(mount.MountPoint))
            {
                continue;
            }

            try
            {
                var image = images.Find(mount.ImageId) ?? throw new NotFoundException($"image {mount.ImageId} not found");
                mounts.MountReadOnlyOverlay(mount.MountPoint, LowerDirectories(image), record.UserNamespace?.IdMap);
                ContainerLog.ImageVolumeRemounted(logger, record.Id, mount.ImageId, mount.MountPoint);
            }
            catch (Exception e) when (e is IOException or NotFoundException or ArgumentException or UnauthorizedAccessException)
            {
                ContainerLog.ImageVolumeRemountFailed(logger, record.Id, mount.ImageId, mount.MountPoint, e);
            }
        }
    }

    private void UnmountImageVolumes(ContainerRecord record)
    {
        foreach (var mount in record.ImageMounts)
        {
            mounts.Unmount(mount.MountPoint);
        }
    }

    /// <summary>overlayfs lists lower dirs top first; the image lists its layers bottom first.</summary>
    private List<string> LowerDirectories(ImageRecord image) =>
        image.Layers.Reverse().Select(l => images.Snapshots.PathOf(l.Snapshot)).ToList();
}
