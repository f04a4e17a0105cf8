using System.Security.Cryptography;
using Minato.Engine.Images.Snapshots;

namespace Minato.Engine.Images.Build;

/// <summary>An uncompressed layer tar written here (a build step, a commit) in a scratch directory of its own, with its
/// digest (which is also its DiffID) and size; disposing deletes it.</summary>
/// <remarks>The scratch directory sits under the snapshot store's unpack root, so one left by a crash is removed at the
/// next start-up with the other unpack leftovers.</remarks>
public sealed class LayerFile : IDisposable
{
    private readonly string directory;

    private LayerFile(string directory, Digest digest, long size)
    {
        this.directory = directory;
        Digest = digest;
        Size = size;
    }

    /// <summary>The tar file.</summary>
    public string Path => System.IO.Path.Combine(directory, "layer.tar");

    /// <summary>sha256 of the tar: blob digest and DiffID at once, since it is not compressed.</summary>
    public Digest Digest { get; }

    public long Size { get; }

    /// <summary>Writes the changes of the overlay upper directory <paramref name="upperDirectory"/> as a layer file.</summary>
    public static Task<LayerFile> FromUpperAsync(
        SnapshotStore snapshots, string upperDirectory, IReadOnlyList<string> lowerDirectories, CancellationToken cancellationToken) =>
        WriteAsync(snapshots, (stream, ct) => LayerDiffWriter.WriteAsync(upperDirectory, lowerDirectories, stream, ct), cancellationToken);

    /// <summary>Writes a layer file with <paramref name="write"/>, hashing it on the way.</summary>
    public static async Task<LayerFile> WriteAsync(
        SnapshotStore snapshots, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(write);
        var directory = snapshots.CreateUnpackDirectory();
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size;
            await using (var file = new FileStream(System.IO.Path.Combine(directory, "layer.tar"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await using var hashing = new HashingStream(file, hash);
                await write(hashing, cancellationToken);
                await hashing.FlushAsync(cancellationToken);
                size = file.Length;
            }

            return new LayerFile(directory, Digest.FromHash(Digest.Sha256, hash.GetHashAndReset()), size);
        }
        catch
        {
            SnapshotStore.Delete(directory);
            throw;
        }
    }

    public void Dispose() => SnapshotStore.Delete(directory);

    /// <summary>A write-only pass-through that feeds every byte to a hash.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            hash.AppendData(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
