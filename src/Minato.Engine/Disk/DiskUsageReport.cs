namespace Minato.Engine.Disk;

/// <summary>Where Minato's disk goes: one entry per kind of stored object, each with the part garbage collection or a
/// prune could give back.</summary>
/// <remarks>Bytes are allocated bytes (<c>st_blocks</c> * 512), what <c>du</c> prints by default, not apparent sizes.</remarks>
public sealed record DiskUsageReport(IReadOnlyList<DiskUsageCategory> Categories);

/// <summary>One kind of stored object.</summary>
/// <param name="Name">images, containers, logs, content or snapshots.</param>
/// <param name="Bytes">Allocated bytes of the whole kind (for content, snapshots and containers: <c>du -s -B1</c> of
/// their directories under the root).</param>
/// <param name="ReclaimableBytes">What removing every reclaimable item would give back.</param>
/// <param name="Items">Each object; items shared between images count once in <paramref name="Bytes"/>.</param>
public sealed record DiskUsageCategory(string Name, long Bytes, long ReclaimableBytes, IReadOnlyList<DiskUsageItem> Items);

/// <summary>One stored object.</summary>
/// <param name="Id">Image id, container id, blob digest or snapshot name.</param>
/// <param name="Description">A name for people: an image's first tag, a container's name, a log's path.</param>
/// <param name="Bytes">Its allocated bytes.</param>
/// <param name="Reclaimable">True when nothing needs it: an image no container uses and not pinned, a stopped
/// container's layer and log, a blob or snapshot no image records and no pull holds.</param>
public sealed record DiskUsageItem(string Id, string Description, long Bytes, bool Reclaimable);
