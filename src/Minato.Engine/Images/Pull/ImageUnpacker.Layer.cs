using Microsoft.Extensions.Logging;
using Minato.Engine.Errors;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Manifests;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Linux;

namespace Minato.Engine.Images.Pull;

/// <summary>The per-blob half of <see cref="ImageUnpacker"/>: one layer into one snapshot, small blobs into memory.</summary>
public sealed partial class ImageUnpacker
{
    private async Task<Snapshot> FetchLayerAsync(
        Descriptor blob, Digest diffId, string name, IImageSource source, PullProgress.LayerSlot slot, StallWatchdog watchdog,
        SpaceReserve space, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(blob.Digest);
        var compression = LayerDecompression.FromMediaType(blob.MediaType)
            ?? throw new UnsupportedImageException($"layer {digest} has media type {blob.MediaType}, which is not a layer");
        await global.WaitAsync(cancellationToken);
        var what = $"layer {digest}";
        var cap = options.LayerLimits.UncompressedLimit(blob.Size);
        var directory = images.Snapshots.CreateUnpackDirectory();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            // At least its compressed copy must fit before a byte is fetched.
            space.EnsureRoom(blob.Size, what);
            slot.State = LayerState.Downloading;
            await using var body = await source.OpenBlobAsync(blob, cancellationToken);
            await using var writer = images.Content.Exists(digest) ? null : images.Content.Create();
            await using var counted = new ProgressStream(body, writer?.Stream, read =>
            {
                slot.Add(read);
                Diagnostics.EngineMeter.ImagePullBytes.Add(read);
                watchdog.Touch(read);
                if (writer is not null)
                {
                    space.Add(read, what);
                }
            });
            await using var layer = LayerStream.Open(counted, digest, blob.Size, diffId, compression, options.LayerLimits, leaveOpen: true);
            var unpacker = new LayerUnpacker(new UnpackLimits { MaxBytes = cap }, allocated => space.Add(allocated, what));
            var result = await unpacker.UnpackAsync(layer, directory, cancellationToken);
            watchdog.Touch();
            slot.State = LayerState.Verifying;
            if (writer is not null)
            {
                await writer.CommitAsync(digest, cancellationToken);
            }

            images.Snapshots.Commit(directory, name);
            slot.State = LayerState.Done;
            Diagnostics.EngineMeter.LayerUnpackDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            Log.LayerUnpacked(logger, source.Description, digest, result.BytesWritten, result.Entries);
            return new Snapshot(name, diffId, result.BytesWritten, result.Entries);
        }
        catch (Exception e)
        {
            SnapshotStore.Delete(directory);
            if (e is SizeLimitExceededException { Limit: var limit } && limit == cap && cap == options.LayerLimits.MaxUncompressedBytes)
            {
                throw new StorageLimitException(
                    $"{what} unpacks to more than {FileSystemSpace.Format(cap)} ({cap} bytes), the max_layer_size limit of this node", e);
            }

            if (FileSystemSpace.IsNoSpace(e))
            {
                throw space.NoSpace(what, e);
            }

            throw;
        }
        finally
        {
            global.Release();
        }
    }

    /// <summary>Reads a config or manifest blob whole, checking size cap, digest and length.</summary>
    internal static async Task<ReadOnlyMemory<byte>> ReadSmallBlobAsync(
        IImageSource source, Descriptor descriptor, int maxBytes, StallWatchdog? watchdog, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(descriptor.Digest);
        if (descriptor.Size < 0 || descriptor.Size > maxBytes)
        {
            throw new SizeLimitExceededException($"Blob {digest}", maxBytes);
        }

        await using var body = await source.OpenBlobAsync(descriptor, cancellationToken);
        await using var verified = new VerifyingStream(body, digest, descriptor.Size, leaveOpen: true);
        var buffer = new byte[descriptor.Size];
        await verified.ReadExactlyAsync(buffer, cancellationToken);
        watchdog?.Touch();
        await verified.VerifyToEndAsync(cancellationToken);
        return buffer;
    }

    private async Task WriteDocumentsAsync(ResolvedImage resolved, Digest configDigest, ReadOnlyMemory<byte> config, CancellationToken cancellationToken)
    {
        if (resolved.Index is { } index)
        {
            await images.Content.WriteAsync(index.Digest, index.Bytes, cancellationToken);
        }

        await images.Content.WriteAsync(resolved.Manifest.Digest, resolved.Manifest.Bytes, cancellationToken);
        await images.Content.WriteAsync(configDigest, config, cancellationToken);
    }

    /// <summary>Log messages of the pull path.</summary>
    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "layer {Digest} from {Image} unpacked: {Bytes} bytes, {Entries} entries")]
        public static partial void LayerUnpacked(ILogger logger, string image, Digest digest, long bytes, long entries);

        [LoggerMessage(Level = LogLevel.Information, Message = "image {Image} recorded as {Digest} ({Layers} layers)")]
        public static partial void ImageRecorded(ILogger logger, IReadOnlyList<string> image, string digest, int layers);
    }
}
