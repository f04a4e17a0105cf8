using System.Text.Json;
using Microsoft.Data.Sqlite;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Store;

namespace Minato.Engine.Images.Store;

/// <summary>Images, their names, and the snapshots and blobs they hold, in SQLite and mirrored in memory.</summary>
/// <remarks>
/// One transaction records an image with its names, snapshots and blobs; the files it points to are synced before
/// (see <see cref="LayerUnpacker"/> and <see cref="ContentStore"/>). Snapshots and blobs are reference-counted by the
/// images that list them: removing the last such image deletes them, unless a pull in progress holds a lease on them.
/// </remarks>
public sealed partial class ImageStore : IDisposable
{
    private readonly MetadataStore store;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Lock sync = new();
    private readonly Dictionary<string, ImageRecord> byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Snapshot> snapshots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> leases = new(StringComparer.Ordinal);

    private ImageStore(MetadataStore store, ContentStore content, SnapshotStore snapshotStore)
    {
        this.store = store;
        Content = content;
        Snapshots = snapshotStore;
    }

    /// <summary>Raised after a tag, an untag or a removal was committed (pulls and loads name their images when they commit).</summary>
    public event Action<ImageChange>? Changed;

    public ContentStore Content { get; }

    public SnapshotStore Snapshots { get; }

    /// <summary>Loads every image, then removes snapshot directories and blobs no image records (interrupted pulls).</summary>
    public static ImageStore Load(MetadataStore store, ContentStore content, SnapshotStore snapshotStore)
    {
        var images = new ImageStore(store, content, snapshotStore);
        using var connection = store.OpenConnection();
        foreach (var document in Query(connection, "SELECT document FROM images;", r => r.GetString(0)))
        {
            var image = JsonSerializer.Deserialize(document, ImageJsonContext.Default.ImageRecord)!;
            images.byId[image.Id] = image;
        }

        foreach (var (name, id) in Query(connection, "SELECT name, image_id FROM image_names;", r => (r.GetString(0), r.GetString(1))))
        {
            images.names[name] = id;
        }

        foreach (var snapshot in Query(connection, "SELECT name, diff_id, bytes, inodes FROM snapshots;",
            r => new Snapshot(r.GetString(0), Digest.Parse(r.GetString(1)), r.GetInt64(2), r.GetInt64(3))))
        {
            images.snapshots[snapshot.Name] = snapshot;
        }

        var blobs = Query(connection, "SELECT DISTINCT digest FROM image_blobs;", r => r.GetString(0)).ToHashSet(StringComparer.Ordinal);
        content.CleanIngest();
        snapshotStore.RemoveUnlisted(images.snapshots.Keys.ToHashSet(StringComparer.Ordinal));
        foreach (var digest in content.List().Where(d => !blobs.Contains(d.ToString())))
        {
            content.Delete(digest);
        }

        return images;
    }

    /// <summary>Every image, with its names.</summary>
    public IReadOnlyList<ImageRecord> All
    {
        get
        {
            lock (sync)
            {
                return [.. byId.Values.Select(WithNames)];
            }
        }
    }

    /// <summary>
    /// The image with exactly this id (<c>sha256:hex</c>) or stored name (<c>registry/repo:tag</c>,
    /// <c>registry/repo@digest</c>); callers with a reference from a user want <see cref="Resolve"/>.
    /// </summary>
    public ImageRecord? Find(string idOrName)
    {
        lock (sync)
        {
            if (names.TryGetValue(idOrName, out var named) || byId.ContainsKey(idOrName) && (named = idOrName) is not null)
            {
                return WithNames(byId[named]);
            }

            return null;
        }
    }

    /// <summary>A recorded snapshot by name, or null.</summary>
    public Snapshot? FindSnapshot(string name)
    {
        lock (sync)
        {
            return snapshots.GetValueOrDefault(name);
        }
    }

    /// <summary>Bytes and inodes of all recorded snapshots.</summary>
    public (long Bytes, long Inodes) SnapshotUsage()
    {
        lock (sync)
        {
            return (snapshots.Values.Sum(s => s.Bytes), snapshots.Values.Sum(s => s.Inodes));
        }
    }

    /// <summary>Protects snapshots and blobs (by name or digest) from removal until the lease is disposed.</summary>
    public IDisposable Lease(IReadOnlyCollection<string> keys)
    {
        lock (sync)
        {
            foreach (var key in keys)
            {
                leases[key] = leases.GetValueOrDefault(key) + 1;
            }
        }

        return new LeaseHandle(this, keys);
    }

    public void Dispose() => gate.Dispose();

    private void Release(IReadOnlyCollection<string> keys)
    {
        lock (sync)
        {
            foreach (var key in keys)
            {
                if (--leases[key] == 0)
                {
                    leases.Remove(key);
                }
            }
        }
    }

    private bool IsLeased(string key)
    {
        lock (sync)
        {
            return leases.ContainsKey(key);
        }
    }

    private ImageRecord WithNames(ImageRecord image)
    {
        var own = names.Where(n => n.Value == image.Id).Select(n => n.Key).Order(StringComparer.Ordinal).ToList();
        return image with
        {
            RepoTags = [.. own.Where(n => !n.Contains('@', StringComparison.Ordinal))],
            RepoDigests = [.. own.Where(n => n.Contains('@', StringComparison.Ordinal))],
        };
    }

    private static List<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        using var reader = command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read())
        {
            list.Add(read(reader));
        }

        return list;
    }

    /// <summary>Releases a lease once.</summary>
    private sealed class LeaseHandle(ImageStore owner, IReadOnlyCollection<string> keys) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Release(keys);
            }
        }
    }
}
