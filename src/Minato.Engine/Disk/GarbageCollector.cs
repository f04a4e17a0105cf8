using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Minato.Engine.Containers;
using Minato.Engine.Diagnostics;
using Minato.Engine.Images.Store;

namespace Minato.Engine.Disk;

/// <summary>What one garbage collection or prune removed.</summary>
/// <param name="Images">Ids of the images removed (a prune, or the image policy).</param>
/// <param name="Store">Blobs, snapshots and leftovers no image records.</param>
/// <param name="Containers">Directories of containers that have no record.</param>
/// <param name="Bytes">Allocated bytes given back in all.</param>
public sealed record GcReport(IReadOnlyList<string> Images, StoreSweep Store, ContainerSweep Containers, long Bytes);

/// <summary>Which images a prune removes.</summary>
/// <param name="All">Every unused image; otherwise only those without a tag (dangling), as <c>docker image prune</c>.</param>
/// <param name="Until">Only images recorded before this Unix nanosecond time; null for any.</param>
public sealed record ImagePruneOptions(bool All, long? Until);

/// <summary>
/// Removes what nothing references: blobs and snapshots no image records (interrupted pulls, removed images),
/// directories of removed containers, and on request (a prune, or the optional <see cref="ImageGcPolicy"/>) images no
/// container uses. One run at a time; an image that is pinned, used by a container or being pulled is never removed.
/// </summary>
public sealed partial class GarbageCollector : IDisposable
{
    private readonly ImageStore images;
    private readonly ContainerService containers;
    private readonly DiskUsageService usage;
    private readonly PinnedImages pinned;
    private readonly ImageGcPolicy? policy;
    private readonly ILogger<GarbageCollector> logger;
    private readonly SemaphoreSlim runs = new(1, 1);
    private readonly ConcurrentDictionary<string, long> lastUse = new(StringComparer.Ordinal);

    public GarbageCollector(
        ImageStore images, ContainerService containers, DiskUsageService usage, PinnedImages pinned, ImageGcPolicy? policy, ILogger<GarbageCollector> logger)
    {
        this.images = images;
        this.containers = containers;
        this.usage = usage;
        this.pinned = pinned;
        this.policy = policy;
        this.logger = logger;
        containers.Changed += change =>
        {
            if (change.Kind == ContainerChangeKind.Created)
            {
                lastUse[change.Container.ImageId] = change.At;
            }
        };
    }

    public void Dispose() => runs.Dispose();

    /// <summary>Collects unreferenced blobs, snapshots and container directories, then applies the image policy if
    /// one is set. <paramref name="trigger"/> labels the metrics (<c>startup</c>, <c>schedule</c>).</summary>
    public async Task<GcReport> CollectAsync(string trigger, CancellationToken cancellationToken)
    {
        await runs.WaitAsync(cancellationToken);
        try
        {
            IReadOnlyList<string> removed = [];
            if (policy is not null)
            {
                var chosen = policy.Select(images.Snapshots.Root, Candidates(null));
                removed = await RemoveAsync(chosen, cancellationToken);
            }

            var result = await CollectLockedAsync(removed, 0, cancellationToken);
            Record(trigger, result);
            return result;
        }
        finally
        {
            runs.Release();
        }
    }

    /// <summary>Removes the images <paramref name="options"/> selects that no container uses, are not pinned and are
    /// not being pulled, then collects what they leave; the bytes are measured before and after.</summary>
    public async Task<GcReport> PruneAsync(ImagePruneOptions options, CancellationToken cancellationToken)
    {
        await runs.WaitAsync(cancellationToken);
        try
        {
            var before = usage.ImageStoreBytes();
            var chosen = Candidates(options.Until).Select(c => c.Image)
                .Where(i => options.All || i.RepoTags.Count == 0).ToList();
            var removed = await RemoveAsync(chosen, cancellationToken);
            var result = await CollectLockedAsync(removed, before, cancellationToken);
            Record("prune", result);
            return result;
        }
        finally
        {
            runs.Release();
        }
    }

    /// <summary>Images nothing holds, with when each was last used; <paramref name="until"/> keeps newer ones out.</summary>
    public IEnumerable<ImageCandidate> Candidates(long? until) => images.All
        .Where(i => !pinned.Holds(i) && containers.ContainersUsing(i.Id).Count == 0 && !images.IsLeasedKey(i.Id))
        .Where(i => until is not { } limit || i.RecordedAt < limit)
        .Select(i => new ImageCandidate(i, Math.Max(i.RecordedAt, lastUse.GetValueOrDefault(i.Id))));

    private async Task<IReadOnlyList<string>> RemoveAsync(IReadOnlyList<ImageRecord> chosen, CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        foreach (var image in chosen)
        {
            // Checked again just before: a container may have been created from it, or a pull of it started.
            if (containers.ContainersUsing(image.Id).Count > 0 || images.IsLeasedKey(image.Id))
            {
                continue;
            }

            if (await images.RemoveAsync(image.Id, cancellationToken))
            {
                lastUse.TryRemove(image.Id, out _);
                removed.Add(image.Id);
                GcLog.ImageRemoved(logger, image.Id);
            }
        }

        return removed;
    }

    private async Task<GcReport> CollectLockedAsync(IReadOnlyList<string> removed, long before, CancellationToken cancellationToken)
    {
        var store = await images.CollectAsync(cancellationToken);
        var orphans = containers.CollectOrphans();

        // After a prune, what the image removals themselves deleted counts too: measured rather than summed.
        var storeBytes = before > 0 ? Math.Max(store.Bytes, before - usage.ImageStoreBytes()) : store.Bytes;
        return new GcReport(removed, store, orphans, storeBytes + orphans.Bytes);
    }

    private void Record(string trigger, GcReport result)
    {
        var tag = new KeyValuePair<string, object?>("trigger", trigger);
        EngineMeter.GcRuns.Add(1, tag);
        EngineMeter.GcReclaimedBytes.Add(result.Bytes, tag);
        GcLog.Collected(logger, trigger, result.Images.Count, result.Store.Blobs, result.Store.Snapshots,
            result.Store.Leftovers, result.Containers.Directories, result.Bytes);
    }
}
