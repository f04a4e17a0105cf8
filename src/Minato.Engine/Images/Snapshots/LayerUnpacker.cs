using Minato.Engine.Images.Content;
using Minato.Engine.Images.Snapshots.Tar;
using Minato.Engine.Linux;

namespace Minato.Engine.Images.Snapshots;

/// <summary>Unpacks one layer tar into an empty snapshot directory, in the form overlayfs reads as a lower layer.</summary>
/// <remarks>
/// Every entry is confined to the snapshot (see <see cref="RootedDirectory"/>); whiteouts become overlayfs
/// whiteouts and opaque markers; every size is bounded by <see cref="UnpackLimits"/>. The stream is read to its end,
/// so verifying streams wrapped around it (<see cref="LayerStream"/>) check their digests before this returns, and the
/// snapshot's filesystem is synced: once this returns, the caller may commit metadata that points to the snapshot.
/// Runs of zeros in regular files (whole 4 KiB blocks) become holes, so a sparse layer costs no disk for them.
/// On failure the directory holds a partial layer and must be removed by the caller.
/// </remarks>
public sealed class LayerUnpacker
{
    private readonly UnpackLimits limits;
    private readonly Action<long>? allocated;

    /// <param name="limits">Bounds on the layer.</param>
    /// <param name="allocated">Told the bytes of file content each write puts on disk (runs of zeros are left as holes and
    /// not counted); it may throw to stop the unpack, as a free-space check does.</param>
    public LayerUnpacker(UnpackLimits limits, Action<long>? allocated = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegative(limits.MaxBytes);
        this.limits = limits;
        this.allocated = allocated;
    }

    /// <summary>Unpacks <paramref name="tar"/> into <paramref name="snapshotDirectory"/>, which must exist and be empty.</summary>
    public async Task<UnpackResult> UnpackAsync(Stream tar, string snapshotDirectory, CancellationToken cancellationToken)
    {
        using var root = RootedDirectory.Open(snapshotDirectory);
        return await UnpackAsync(tar, root, UnpackOptions.Layer, cancellationToken);
    }

    /// <summary>Unpacks <paramref name="tar"/> into <paramref name="root"/> as <paramref name="options"/> say, with the same
    /// confinement and bounds as a layer (files copied into a container go through here).</summary>
    public async Task<UnpackResult> UnpackAsync(Stream tar, RootedDirectory root, UnpackOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tar);
        ArgumentNullException.ThrowIfNull(root);
        var reader = new TarStreamReader(tar, limits);
        var writer = new SnapshotWriter(root, limits, options, allocated);
        long entries = 0;
        while (await reader.ReadNextAsync(cancellationToken) is { } entry)
        {
            if (++entries > limits.MaxEntries)
            {
                throw new SizeLimitExceededException("The number of layer entries", limits.MaxEntries);
            }

            await writer.ApplyAsync(entry, reader, cancellationToken);
        }

        // A verifying stream that the tar reader left unfinished would otherwise never compare its digest.
        if (tar is LayerStream { IsVerified: false } layer)
        {
            throw new InvalidOperationException($"Layer stream ended without verification ({layer.CompressedBytesRead} bytes read).");
        }

        writer.Complete();
        return new UnpackResult(entries, writer.BytesWritten);
    }
}

/// <summary>What an unpack wrote: entries applied and bytes of file content.</summary>
public readonly record struct UnpackResult(long Entries, long BytesWritten);
