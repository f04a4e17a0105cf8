using Minato.Engine.Linux;

namespace Minato.Engine.Images.Content;

/// <summary>Blobs (manifests, configs, compressed layers) by digest under <c>&lt;root&gt;/content</c>.</summary>
/// <remarks>
/// A blob is written to <c>ingest/</c>, fsynced, then renamed to <c>blobs/&lt;algorithm&gt;/&lt;hex&gt;</c> and the
/// directory fsynced, so a blob under <c>blobs/</c> is always complete. Callers verify digests before committing;
/// whether a blob is still needed is decided by the image store, which deletes unreferenced ones.
/// </remarks>
public sealed class ContentStore
{
    public ContentStore(string root)
    {
        Root = root;
        Directory.CreateDirectory(BlobDirectory(Digest.Sha256));
        Directory.CreateDirectory(BlobDirectory(Digest.Sha512));
        Directory.CreateDirectory(IngestDirectory);
    }

    public string Root { get; }

    private string IngestDirectory => Path.Combine(Root, "ingest");

    /// <summary>The path of a committed blob (the digest is validated, so the path stays under the root).</summary>
    public string PathOf(Digest digest) => Path.Combine(BlobDirectory(digest.Algorithm), digest.Hex);

    public bool Exists(Digest digest) => File.Exists(PathOf(digest));

    /// <summary>Size of a committed blob, or null.</summary>
    public long? SizeOf(Digest digest) => new FileInfo(PathOf(digest)) is { Exists: true } info ? info.Length : null;

    public FileStream OpenRead(Digest digest) =>
        new(PathOf(digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);

    public async Task<byte[]> ReadAllAsync(Digest digest, CancellationToken cancellationToken) =>
        await File.ReadAllBytesAsync(PathOf(digest), cancellationToken);

    /// <summary>Starts writing a blob; commit it with <see cref="BlobWriter.CommitAsync"/> once its digest is verified.</summary>
    public BlobWriter Create() => new(this, Path.Combine(IngestDirectory, Guid.NewGuid().ToString("N")));

    /// <summary>Writes a small, already verified blob in one go.</summary>
    public async Task WriteAsync(Digest digest, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (Exists(digest))
        {
            return;
        }

        await using var writer = Create();
        await writer.Stream.WriteAsync(bytes, cancellationToken);
        await writer.CommitAsync(digest, cancellationToken);
    }

    public void Delete(Digest digest) => File.Delete(PathOf(digest));

    /// <summary>Removes leftovers of interrupted writes; called at start-up, before any pull.</summary>
    public void CleanIngest()
    {
        foreach (var file in Directory.EnumerateFiles(IngestDirectory))
        {
            File.Delete(file);
        }
    }

    /// <summary>Every committed blob (for garbage collection).</summary>
    public IEnumerable<Digest> List() =>
        new[] { Digest.Sha256, Digest.Sha512 }.SelectMany(a => Directory.EnumerateFiles(BlobDirectory(a))
            .Select(f => Digest.TryParse($"{a}:{Path.GetFileName(f)}", out var d) ? d : (Digest?)null)
            .OfType<Digest>());

    /// <summary>Files in <c>ingest/</c>: blobs being written, or left by a write that never finished.</summary>
    public IReadOnlyList<string> ListIngest() => [.. Directory.EnumerateFiles(IngestDirectory)];

    /// <summary>The directory holding committed blobs, one subdirectory per algorithm.</summary>
    public string BlobsRoot => Path.Combine(Root, "blobs");

    /// <summary>Bytes of committed blobs.</summary>
    public long BytesUsed() => new[] { Digest.Sha256, Digest.Sha512 }
        .Sum(a => new DirectoryInfo(BlobDirectory(a)).EnumerateFiles().Sum(f => f.Length));

    private string BlobDirectory(string algorithm) => Path.Combine(Root, "blobs", algorithm);

    internal static void SyncDirectory(string path)
    {
        using var directory = RootedDirectory.Open(path);
        using var handle = directory.OpenDirectory("");
        handle.Sync();
    }

    /// <summary>An in-progress blob in <c>ingest/</c>; disposed without commit, it is deleted.</summary>
    public sealed class BlobWriter : IAsyncDisposable
    {
        private readonly ContentStore store;
        private readonly string path;
        private bool committed;

        internal BlobWriter(ContentStore store, string path)
        {
            this.store = store;
            this.path = path;
            Stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        }

        public FileStream Stream { get; }

        /// <summary>Syncs the data and moves it to its digest's place.</summary>
        public async Task CommitAsync(Digest digest, CancellationToken cancellationToken)
        {
            await Stream.FlushAsync(cancellationToken);
            Stream.Flush(flushToDisk: true);
            await Stream.DisposeAsync();
            var target = store.PathOf(digest);
            File.Move(path, target, overwrite: true);
            SyncDirectory(Path.GetDirectoryName(target)!);
            committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await Stream.DisposeAsync();
            }
            catch (IOException) when (!committed)
            {
                // Flushing the buffered tail failed (a full disk, typically); the file goes anyway.
            }
            finally
            {
                if (!committed)
                {
                    File.Delete(path);
                }
            }
        }
    }
}
