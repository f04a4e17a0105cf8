using Minato.Engine.Containers;
using Minato.Engine.Images.Store;
using Minato.Engine.Linux;

namespace Minato.Engine.Disk;

/// <summary>Computes <see cref="DiskUsageReport"/>: walks the content, snapshot and container directories the way
/// <c>du</c> does and sorts what it finds into what is needed and what could be reclaimed.</summary>
/// <remarks>Every call walks the trees (no cache): the figures are meant to agree with <c>du</c> run just after.</remarks>
public sealed class DiskUsageService(ImageStore images, ContainerService containers, ContainerServiceOptions options, PinnedImages pinned)
{
    /// <summary>Entries one walk reads at most; a tree beyond it is reported as a lower bound.</summary>
    private const int MaxEntries = 10_000_000;

    /// <summary>The current report.</summary>
    public DiskUsageReport Measure()
    {
        var stored = images.All;
        var all = containers.List();
        var snapshots = Snapshots(stored);
        var content = Content(stored);
        return new DiskUsageReport([Images(stored, snapshots, content), Containers(all), Logs(all), content, snapshots]);
    }

    /// <summary>Allocated bytes of the image store on disk: blobs, snapshots and unfinished unpacks.</summary>
    public long ImageStoreBytes() =>
        Walk(images.Content.Root) + Walk(images.Snapshots.Root) + Walk(images.Snapshots.UnpackRoot);

    private DiskUsageCategory Images(IReadOnlyList<ImageRecord> stored, DiskUsageCategory snapshots, DiskUsageCategory content)
    {
        var sizes = snapshots.Items.Concat(content.Items).GroupBy(i => i.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Bytes, StringComparer.Ordinal);
        var keep = new HashSet<string>(StringComparer.Ordinal);
        var parts = new Dictionary<string, bool>(StringComparer.Ordinal);
        var items = new List<DiskUsageItem>();
        foreach (var image in stored.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            var own = image.Layers.Select(l => l.Snapshot).Concat(image.Blobs).Distinct(StringComparer.Ordinal).ToList();
            var reclaimable = containers.ContainersUsing(image.Id).Count == 0 && !pinned.Holds(image);
            foreach (var part in own)
            {
                parts[part] = true;
                if (!reclaimable)
                {
                    keep.Add(part);
                }
            }

            var name = image.RepoTags.Count > 0 ? image.RepoTags[0] : image.RepoDigests.Count > 0 ? image.RepoDigests[0] : "<none>";
            items.Add(new DiskUsageItem(image.Id, name, own.Sum(p => sizes.GetValueOrDefault(p)), reclaimable));
        }

        var total = parts.Keys.Sum(p => sizes.GetValueOrDefault(p));
        var freed = parts.Keys.Where(p => !keep.Contains(p)).Sum(p => sizes.GetValueOrDefault(p));
        return new DiskUsageCategory("images", total, freed, items);
    }

    private DiskUsageCategory Containers(IReadOnlyList<ContainerRecord> all)
    {
        var layers = Path.Combine(options.RootDirectory, "containers");
        var known = all.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var items = new List<DiskUsageItem>();
        foreach (var directory in Directory.Exists(layers) ? Directory.EnumerateDirectories(layers).Order(StringComparer.Ordinal).ToList() : [])
        {
            var id = Path.GetFileName(directory);
            var bytes = Walk(directory);
            items.Add(known.TryGetValue(id, out var record)
                ? new DiskUsageItem(id, record.Name, bytes, record.Phase != ContainerPhase.Running)
                : new DiskUsageItem(id, "<no container>", bytes, Reclaimable: true));
        }

        return new DiskUsageCategory("containers", Walk(layers), items.Where(i => i.Reclaimable).Sum(i => i.Bytes), items);
    }

    private static DiskUsageCategory Logs(IReadOnlyList<ContainerRecord> all)
    {
        var items = all.OrderBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => new DiskUsageItem(c.Id, c.LogPath, Allocated(c.LogPath), c.Phase != ContainerPhase.Running)).ToList();
        return new DiskUsageCategory("logs", items.Sum(i => i.Bytes), items.Where(i => i.Reclaimable).Sum(i => i.Bytes), items);
    }

    private DiskUsageCategory Content(IReadOnlyList<ImageRecord> stored)
    {
        var used = stored.SelectMany(i => i.Blobs).ToHashSet(StringComparer.Ordinal);
        var items = images.Content.List().OrderBy(d => d.ToString(), StringComparer.Ordinal)
            .Select(d => new DiskUsageItem(d.ToString(), "blob", Allocated(images.Content.PathOf(d)),
                !used.Contains(d.ToString()) && !images.IsLeasedKey(d.ToString()))).ToList();
        return new DiskUsageCategory("content", Walk(images.Content.Root), items.Where(i => i.Reclaimable).Sum(i => i.Bytes), items);
    }

    private DiskUsageCategory Snapshots(IReadOnlyList<ImageRecord> stored)
    {
        var used = stored.SelectMany(i => i.Layers.Select(l => l.Snapshot)).ToHashSet(StringComparer.Ordinal);
        var items = images.Snapshots.List().Order(StringComparer.Ordinal)
            .Select(n => new DiskUsageItem(n, images.FindSnapshot(n)?.DiffId.ToString() ?? "<unrecorded>", Walk(images.Snapshots.PathOf(n)),
                !used.Contains(n) && !images.IsLeasedKey(n))).ToList();

        // Unfinished unpacks count here too: they become snapshots or are collected.
        var unpacking = Walk(images.Snapshots.UnpackRoot);
        return new DiskUsageCategory("snapshots", Walk(images.Snapshots.Root) + unpacking, items.Where(i => i.Reclaimable).Sum(i => i.Bytes), items);
    }

    private static long Walk(string directory) => (long)DiskUsage.Measure(directory, MaxEntries).Bytes;

    private static long Allocated(string path) => FileIdentity.Of(path) is { IsDirectory: false } file ? (long)file.Blocks * 512 : 0;
}
