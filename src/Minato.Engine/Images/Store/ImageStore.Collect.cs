using Minato.Engine.Images.Snapshots;
using Minato.Engine.Linux;

namespace Minato.Engine.Images.Store;

/// <summary>What one collection of the image store removed.</summary>
/// <param name="Blobs">Committed blobs no image lists.</param>
/// <param name="Snapshots">Snapshot directories no image records.</param>
/// <param name="Leftovers">Ingest files and unpack directories of writes that never finished.</param>
/// <param name="Bytes">Allocated bytes freed (as <c>du</c> counts them).</param>
public sealed record StoreSweep(int Blobs, int Snapshots, int Leftovers, long Bytes);

/// <summary>Garbage collection of the image store while the daemon runs (start-up does the same in <see cref="Load"/>).</summary>
public sealed partial class ImageStore
{
    /// <summary>True while a pull or load holds a lease on this snapshot name or blob digest (an image id is its config
    /// blob's digest, so this also tells whether a pull of that image runs).</summary>
    public bool IsLeasedKey(string key) => IsLeased(key);

    /// <summary>
    /// Deletes committed blobs and snapshot directories that no image records and no pull holds, and the leftovers of
    /// unfinished writes in <c>ingest/</c> and <c>unpack/</c> when no pull runs.
    /// </summary>
    /// <remarks>
    /// A pull leases its blobs and snapshots before it looks for them on disk, so each check and deletion happens under
    /// the lease lock: a pull either sees the file gone and writes it again, or holds its lease before the check. The
    /// leftovers are listed before the check that no pull runs: a pull that starts after it writes only new names.
    /// </remarks>
    public async Task<StoreSweep> CollectAsync(CancellationToken cancellationToken)
    {
        var ingest = Content.ListIngest();
        var unpack = Snapshots.ListUnpack();
        var blobs = 0;
        long bytes = 0;
        List<string> trash = [];
        bool pullsRunning;
        await gate.WaitAsync(cancellationToken);
        try
        {
            var onDisk = Content.List().ToList();
            var directories = Snapshots.List();
            lock (sync)
            {
                pullsRunning = leases.Count > 0;
                var used = byId.Values.SelectMany(i => i.Blobs).ToHashSet(StringComparer.Ordinal);
                foreach (var digest in onDisk.Where(d => !used.Contains(d.ToString()) && !leases.ContainsKey(d.ToString())))
                {
                    bytes += AllocatedBytes(Content.PathOf(digest));
                    Content.Delete(digest);
                    blobs++;
                }

                trash.AddRange(directories.Where(n => !snapshots.ContainsKey(n) && !leases.ContainsKey(n)).Select(Snapshots.MoveAside));
            }
        }
        finally
        {
            gate.Release();
        }

        var leftovers = 0;
        foreach (var path in trash)
        {
            bytes += DeleteTree(path);
        }

        if (!pullsRunning)
        {
            foreach (var file in ingest)
            {
                var size = AllocatedBytes(file);
                if (File.Exists(file) && TryDelete(() => File.Delete(file)))
                {
                    bytes += size;
                    leftovers++;
                }
            }

            foreach (var directory in unpack)
            {
                var freed = DeleteTree(directory);
                bytes += freed;
                leftovers += freed > 0 ? 1 : 0;
            }
        }

        return new StoreSweep(blobs, trash.Count, leftovers, bytes);
    }

    private static long AllocatedBytes(string path) => FileIdentity.Of(path) is { } file ? (long)file.Blocks * 512 : 0;

    // Measured first, then deleted; a directory another remover deletes meanwhile (an image removal's trash) counts 0.
    private static long DeleteTree(string path)
    {
        var size = (long)DiskUsage.Measure(path, int.MaxValue).Bytes;
        return TryDelete(() => SnapshotStore.Delete(path)) ? size : 0;
    }

    private static bool TryDelete(Action delete)
    {
        try
        {
            delete();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
