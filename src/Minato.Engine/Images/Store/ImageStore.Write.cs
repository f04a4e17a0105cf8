using System.Text.Json;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Store;

namespace Minato.Engine.Images.Store;

/// <summary>The writing half of <see cref="ImageStore"/>: recording and removing images.</summary>
public sealed partial class ImageStore
{
    /// <summary>
    /// Records <paramref name="image"/> with its snapshots and <paramref name="imageNames"/> in one transaction. A name
    /// held by another image moves to this one (a tag pulled again). The snapshot directories and blobs must be
    /// committed and synced already.
    /// </summary>
    public async Task<ImageRecord> CommitAsync(
        ImageRecord image, IReadOnlyList<Snapshot> layers, IReadOnlyList<string> imageNames, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            using var connection = store.OpenConnection();
            using var transaction = connection.BeginTransaction();
            transaction.Execute("""
                INSERT INTO images (id, created_at, document) VALUES ($id, $created, $doc)
                ON CONFLICT (id) DO UPDATE SET document = excluded.document;
                """, ("$id", image.Id), ("$created", image.RecordedAt),
                ("$doc", JsonSerializer.Serialize(image, ImageJsonContext.Default.ImageRecord)));
            foreach (var layer in layers)
            {
                transaction.Execute("""
                    INSERT OR IGNORE INTO snapshots (name, diff_id, bytes, inodes, created_at) VALUES ($name, $diff, $bytes, $inodes, $created);
                    INSERT OR IGNORE INTO image_snapshots (image_id, snapshot) VALUES ($id, $name);
                    """, ("$name", layer.Name), ("$diff", layer.DiffId.ToString()), ("$bytes", layer.Bytes),
                    ("$inodes", layer.Inodes), ("$created", image.RecordedAt), ("$id", image.Id));
            }

            foreach (var blob in image.Blobs.Distinct(StringComparer.Ordinal))
            {
                transaction.Execute("INSERT OR IGNORE INTO image_blobs (image_id, digest) VALUES ($id, $digest);",
                    ("$id", image.Id), ("$digest", blob));
            }

            foreach (var name in imageNames)
            {
                transaction.Execute("INSERT OR REPLACE INTO image_names (name, image_id, kind) VALUES ($name, $id, $kind);",
                    ("$name", name), ("$id", image.Id), ("$kind", name.Contains('@', StringComparison.Ordinal) ? "digest" : "tag"));
            }

            transaction.Commit();
            lock (sync)
            {
                byId[image.Id] = image;
                foreach (var layer in layers)
                {
                    snapshots.TryAdd(layer.Name, layer);
                }

                foreach (var name in imageNames)
                {
                    names[name] = image.Id;
                }

                return WithNames(image);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Gives image <paramref name="id"/> the name <paramref name="name"/> (a normalised <c>registry/repo:tag</c> or
    /// <c>registry/repo@digest</c>); a name another image held moves to this one, as a pull of that tag would.
    /// </summary>
    /// <exception cref="Errors.NotFoundException">No image <paramref name="id"/>.</exception>
    public async Task TagAsync(string id, string name, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            lock (sync)
            {
                if (!byId.ContainsKey(id))
                {
                    throw new Errors.NotFoundException($"image {id} not found");
                }
            }

            using var connection = store.OpenConnection();
            using var transaction = connection.BeginTransaction();
            transaction.Execute("INSERT OR REPLACE INTO image_names (name, image_id, kind) VALUES ($name, $id, $kind);",
                ("$name", name), ("$id", id), ("$kind", name.Contains('@', StringComparison.Ordinal) ? "digest" : "tag"));
            transaction.Commit();
            lock (sync)
            {
                names[name] = id;
            }

            Changed?.Invoke(new ImageChange(id, ImageChangeKind.Tagged, name));
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Removes the name <paramref name="name"/>, keeping the image; false when no image had it.</summary>
    public async Task<bool> UntagAsync(string name, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            string id;
            lock (sync)
            {
                if (!names.TryGetValue(name, out id!))
                {
                    return false;
                }
            }

            using var connection = store.OpenConnection();
            using var transaction = connection.BeginTransaction();
            transaction.Execute("DELETE FROM image_names WHERE name = $name;", ("$name", name));
            transaction.Commit();
            lock (sync)
            {
                names.Remove(name);
            }

            Changed?.Invoke(new ImageChange(id, ImageChangeKind.Untagged, name));
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Removes the image and every name pointing to it, then deletes the snapshots and blobs no other image uses and
    /// no pull holds. Returns false when there was no such image.
    /// </summary>
    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        List<string> trash;
        List<string> dropped;
        try
        {
            lock (sync)
            {
                if (!byId.ContainsKey(id))
                {
                    return false;
                }
            }

            using var connection = store.OpenConnection();
            using var transaction = connection.BeginTransaction();
            transaction.Execute("DELETE FROM images WHERE id = $id;", ("$id", id));
            var orphanSnapshots = Query(connection, "SELECT name FROM snapshots WHERE name NOT IN (SELECT snapshot FROM image_snapshots);",
                r => r.GetString(0), transaction).Where(n => !IsLeased(n)).ToList();
            foreach (var name in orphanSnapshots)
            {
                transaction.Execute("DELETE FROM snapshots WHERE name = $name;", ("$name", name));
            }

            var stillUsed = Query(connection, "SELECT DISTINCT digest FROM image_blobs;", r => r.GetString(0), transaction).ToHashSet(StringComparer.Ordinal);
            var orphanBlobs = byId[id].Blobs.Where(b => !stillUsed.Contains(b) && !IsLeased(b)).Distinct(StringComparer.Ordinal).ToList();
            transaction.Commit();
            lock (sync)
            {
                byId.Remove(id);
                dropped = [.. names.Where(n => n.Value == id).Select(n => n.Key)];
                foreach (var name in dropped)
                {
                    names.Remove(name);
                }

                foreach (var name in orphanSnapshots)
                {
                    snapshots.Remove(name);
                }
            }

            foreach (var blob in orphanBlobs)
            {
                Content.Delete(Digest.Parse(blob));
            }

            // Moved aside under the gate, so a pull starting now unpacks afresh instead of finding a dying directory.
            trash = [.. orphanSnapshots.Select(Snapshots.MoveAside)];
        }
        finally
        {
            gate.Release();
        }

        foreach (var name in dropped)
        {
            Changed?.Invoke(new ImageChange(id, ImageChangeKind.Untagged, name));
        }

        Changed?.Invoke(new ImageChange(id, ImageChangeKind.Removed, null));
        foreach (var path in trash)
        {
            SnapshotStore.Delete(path);
        }

        return true;
    }

    /// <summary>
    /// Deletes the snapshot directories and blobs of a failed pull, unless an image records them or another pull holds
    /// them (the caller's own lease is still held, so one lease is the caller's).
    /// </summary>
    public async Task DiscardUnrecordedAsync(IReadOnlyList<string> snapshotNames, IReadOnlyList<string> blobDigests)
    {
        if (snapshotNames.Count == 0 && blobDigests.Count == 0)
        {
            return;
        }

        List<string> trash = [];
        await gate.WaitAsync(CancellationToken.None);
        try
        {
            List<string> blobs;
            lock (sync)
            {
                trash.AddRange(snapshotNames.Where(n => !snapshots.ContainsKey(n) && leases.GetValueOrDefault(n) <= 1));
                var used = byId.Values.SelectMany(i => i.Blobs).ToHashSet(StringComparer.Ordinal);
                blobs = [.. blobDigests.Distinct(StringComparer.Ordinal).Where(b => !used.Contains(b) && leases.GetValueOrDefault(b) <= 1)];
            }

            foreach (var blob in blobs)
            {
                Content.Delete(Digest.Parse(blob));
            }

            trash = [.. trash.Select(Snapshots.MoveAside)];
        }
        finally
        {
            gate.Release();
        }

        foreach (var path in trash)
        {
            SnapshotStore.Delete(path);
        }
    }
}
