using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Minato.Engine.Errors;
using Minato.Engine.Images.Manifests;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Images.Store;
using Minato.Engine.Linux;

namespace Minato.Engine.Images.Pull;

/// <summary>Turns a resolved image from any source into snapshots and blobs, then records it in one transaction.</summary>
/// <remarks>
/// Layers run in parallel (per image and globally bounded). Each layer blob streams through digest and size checks,
/// decompression and the DiffID check straight into its snapshot directory, while a copy goes to the content store.
/// A layer whose snapshot is already recorded is not fetched; one being unpacked by another pull is awaited, not
/// repeated. Snapshots made by a pull that then fails are deleted unless another pull or image uses them.
/// </remarks>
public sealed partial class ImageUnpacker(ImageStore images, ImageOptions options, TimeProvider time, ILogger<ImageUnpacker> logger)
    : IDisposable
{
    private readonly SemaphoreSlim global = new(options.MaxConcurrentDownloads);
    private readonly ConcurrentDictionary<string, Task<Snapshot>> inflight = new(StringComparer.Ordinal);

    /// <summary>Unpacks and records <paramref name="resolved"/> under <paramref name="names"/>; returns the stored image.</summary>
    public async Task<ImageRecord> UnpackAsync(
        ResolvedImage resolved, IImageSource source, IReadOnlyList<string> names, PullProgress progress, StallWatchdog watchdog,
        CancellationToken cancellationToken)
    {
        var manifest = resolved.Manifest.Document;
        var configDigest = Digest.Parse(manifest.Config!.Digest);
        var configBytes = await ReadSmallBlobAsync(source, manifest.Config, ManifestParser.MaxConfigBytes, watchdog, cancellationToken);
        var config = ManifestParser.ParseConfig(configBytes.Span, configDigest, manifest.Layers!.Count);
        if (!PlatformMatcher.Host.Accepts(config.Os, config.Architecture))
        {
            throw new UnsupportedImageException($"image {configDigest} is for {config.Os}/{config.Architecture}, not linux/{PlatformMatcher.Host.Architecture}");
        }

        var layers = manifest.Layers.Select((l, i) => (Blob: l, DiffId: Digest.Parse(config.Rootfs!.DiffIds[i]))).ToList();
        var snapshotNames = layers.Select(l => SnapshotStore.NameOf(l.DiffId)).ToList();
        var blobs = new List<string> { resolved.Manifest.Digest.ToString(), configDigest.ToString() };
        if (resolved.Index is { } index)
        {
            blobs.Insert(0, index.Digest.ToString());
        }

        blobs.AddRange(layers.Select(l => l.Blob.Digest));
        using var lease = images.Lease([.. snapshotNames, .. blobs]);
        progress.Resolved(resolved.Manifest.Digest.ToString(), layers.Select(l => (l.Blob.Digest, l.Blob.Size)));
        var created = new ConcurrentBag<string>();
        var space = new SpaceReserve(images.Snapshots.Root, options.DiskReserveBytes);
        try
        {
            // Refused before any download when even the compressed layers it lacks cannot fit.
            var missing = layers.Where((l, i) => images.FindSnapshot(snapshotNames[i]) is null).Sum(l => Math.Max(0, l.Blob.Size));
            space.EnsureRoom(missing, $"the compressed layers of image {configDigest}");
            var snapshots = new Snapshot[layers.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, layers.Count),
                new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrentDownloadsPerImage, CancellationToken = cancellationToken },
                async (i, ct) => snapshots[i] = await LayerAsync(layers[i].Blob, layers[i].DiffId, source, progress.Layer(i), watchdog, space, created, ct));
            await WriteDocumentsAsync(resolved, configDigest, configBytes, cancellationToken);
            var record = new ImageRecord
            {
                Id = configDigest.ToString(),
                ManifestDigest = resolved.Manifest.Digest.ToString(),
                ManifestMediaType = resolved.Manifest.MediaType,
                Layers = [.. layers.Select((l, i) => new ImageLayer(l.Blob.Digest, l.Blob.MediaType, l.Blob.Size, l.DiffId.ToString(), snapshotNames[i]))],
                Blobs = blobs,
                Size = snapshots.Sum(s => s.Bytes),
                User = config.Config?.User is { Length: > 0 } user ? user : null,
                Platform = $"{config.Os}/{config.Architecture}" + (config.Variant is { Length: > 0 } v ? "/" + v : ""),
                RecordedAt = time.UnixNanoseconds(),
            };
            var stored = await images.CommitAsync(record, snapshots, names, cancellationToken);
            progress.Finished("done");
            Log.ImageRecorded(logger, names, record.Id, layers.Count);
            return stored;
        }
        catch (Exception e)
        {
            progress.Finished("failed");
            await images.DiscardUnrecordedAsync([.. created], blobs);
            if (e is not StorageLimitException && FileSystemSpace.IsNoSpace(e))
            {
                throw space.NoSpace($"recording image {configDigest}", e);
            }

            throw;
        }
    }

    public void Dispose() => global.Dispose();

    private async Task<Snapshot> LayerAsync(
        Descriptor blob, Digest diffId, IImageSource source, PullProgress.LayerSlot slot, StallWatchdog watchdog,
        SpaceReserve space, ConcurrentBag<string> created, CancellationToken cancellationToken)
    {
        var name = SnapshotStore.NameOf(diffId);
        while (true)
        {
            if (images.FindSnapshot(name) is { } recorded && images.Snapshots.Exists(name))
            {
                slot.State = LayerState.AlreadyExists;
                return recorded;
            }

            var mine = new TaskCompletionSource<Snapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
            var running = inflight.GetOrAdd(name, mine.Task);
            if (running != mine.Task)
            {
                try
                {
                    slot.State = LayerState.Downloading;
                    var shared = await running.WaitAsync(cancellationToken);
                    slot.State = LayerState.AlreadyExists;
                    return shared;
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // The other pull failed or was cancelled; this one tries on its own.
                    continue;
                }
            }

            try
            {
                var snapshot = await FetchLayerAsync(blob, diffId, name, source, slot, watchdog, space, cancellationToken);
                created.Add(name);
                mine.SetResult(snapshot);
                return snapshot;
            }
            catch (Exception e)
            {
                slot.State = LayerState.Failed;
                mine.SetException(e);
                _ = mine.Task.Exception;
                throw;
            }
            finally
            {
                inflight.TryRemove(new KeyValuePair<string, Task<Snapshot>>(name, mine.Task));
            }
        }
    }
}
