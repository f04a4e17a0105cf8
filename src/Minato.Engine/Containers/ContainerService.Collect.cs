using Minato.Engine.Linux;

namespace Minato.Engine.Containers;

/// <summary>What one collection of container directories removed.</summary>
/// <param name="Directories">Bundles and writable layers of containers that have no record.</param>
/// <param name="Bytes">Allocated bytes freed (as <c>du</c> counts them).</param>
/// <param name="Skipped">Directories kept because something is still mounted below them.</param>
public sealed record ContainerSweep(int Directories, long Bytes, int Skipped);

/// <summary>Garbage collection of bundles and writable layers that no container record owns.</summary>
public sealed partial class ContainerService
{
    /// <summary>
    /// Deletes <c>containers/&lt;id&gt;</c> under the state and root directories when no container (not even one being
    /// created) has that id: what a removal or rollback killed half-way left. A directory with a mount below it is kept:
    /// deleting through a mounted rootfs would reach into an image's layers.
    /// </summary>
    /// <remarks>A container is recorded before its directories exist and its directories are deleted before its record,
    /// so listing the directories before reading the records never takes a live container's directory.</remarks>
    public ContainerSweep CollectOrphans()
    {
        var candidates = ContainerDirectories(options.StateDirectory).Concat(ContainerDirectories(options.RootDirectory)).ToList();
        var known = store.All.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var orphans = candidates.Where(d => !known.Contains(Path.GetFileName(d))).ToList();
        if (orphans.Count == 0)
        {
            return new ContainerSweep(0, 0, 0);
        }

        var mountPoints = MountInfo.ReadSelf().Select(m => m.MountPoint).ToList();
        var removed = 0;
        var skipped = 0;
        long bytes = 0;
        foreach (var directory in orphans)
        {
            var prefix = directory + "/";
            if (mountPoints.Any(m => m == directory || m.StartsWith(prefix, StringComparison.Ordinal)))
            {
                ContainerLog.OrphanMounted(logger, directory);
                skipped++;
                continue;
            }

            var size = (long)DiskUsage.Measure(directory, int.MaxValue).Bytes;
            try
            {
                Directory.Delete(directory, recursive: true);
                bytes += size;
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ContainerLog.OrphanNotRemoved(logger, directory, e.Message);
                skipped++;
            }
        }

        return new ContainerSweep(removed, bytes, skipped);
    }

    private static List<string> ContainerDirectories(string root)
    {
        var directory = Path.Combine(root, "containers");
        return Directory.Exists(directory) ? Directory.EnumerateDirectories(directory).ToList() : [];
    }
}
