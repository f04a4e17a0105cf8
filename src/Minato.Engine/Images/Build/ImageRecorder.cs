using System.Text.Json;
using Minato.Engine.Errors;
using Minato.Engine.Images.Manifests;
using Minato.Engine.Images.Pull;
using Minato.Engine.Images.Store;

namespace Minato.Engine.Images.Build;

/// <summary>Records an image made on this node (a build step, a commit): a base image's layers plus new layer files,
/// under a config the caller wrote.</summary>
/// <remarks>
/// It goes through <see cref="ImageUnpacker"/> like a pull or a load, with a source that serves the new blobs: the new
/// layers are copied into the content store, unpacked into snapshots by the same confined unpacker and recorded with
/// the manifest and config in one transaction, so the image is at once runnable by either door and kept by the same
/// garbage rules. The manifest is an OCI one with uncompressed layers (<see cref="MediaTypes.OciLayer"/>); a push may
/// compress them.
/// </remarks>
public sealed class ImageRecorder(ImageUnpacker unpacker, ImageStore images, ImageOptions options, TimeProvider time)
{
    /// <summary>Records the image; <paramref name="config"/> must list the DiffIDs of the base's layers then the new ones.</summary>
    /// <param name="baseImage">The image whose layers come first, or null (<c>FROM scratch</c>).</param>
    /// <param name="layers">New layers, bottom first (the caller keeps and disposes them).</param>
    /// <param name="config">The image config JSON.</param>
    /// <param name="names">Normalised names to give it.</param>
    /// <param name="cancellationToken">Cancels the recording; nothing is left recorded.</param>
    /// <exception cref="InvalidInputException">The config does not match the layers.</exception>
    public async Task<ImageRecord> RecordAsync(
        ImageRecord? baseImage, IReadOnlyList<LayerFile> layers, ReadOnlyMemory<byte> config, IReadOnlyList<string> names,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var configDigest = Digest.Compute(config.Span);
        var blobs = new Dictionary<string, Func<Stream>>(StringComparer.Ordinal)
        {
            [configDigest.ToString()] = () => new MemoryStream(config.ToArray(), writable: false),
        };
        var descriptors = new List<Descriptor>();
        foreach (var layer in baseImage?.Layers ?? [])
        {
            descriptors.Add(new Descriptor { MediaType = layer.MediaType, Digest = layer.Digest, Size = layer.Size });
            var digest = Digest.Parse(layer.Digest);
            blobs.TryAdd(layer.Digest, () => images.Content.OpenRead(digest));
        }

        foreach (var layer in layers)
        {
            descriptors.Add(new Descriptor { MediaType = MediaTypes.OciLayer, Digest = layer.Digest.ToString(), Size = layer.Size });
            blobs.TryAdd(layer.Digest.ToString(), () => new FileStream(layer.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous));
        }

        var manifest = new ManifestDocument
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configDigest.ToString(), Size = config.Length },
            Layers = descriptors,
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, OciJsonContext.Default.ManifestDocument);
        var fetched = ManifestParser.Parse(bytes, Digest.Compute(bytes), MediaTypes.OciManifest, null);
        using var watchdog = new StallWatchdog(options.StallTimeout, time);
        return await unpacker.UnpackAsync(new ResolvedImage(fetched, null), new LocalBlobs(blobs), names, new PullProgress(), watchdog, cancellationToken);
    }

    /// <summary>The blobs of an image being recorded, by digest.</summary>
    private sealed class LocalBlobs(Dictionary<string, Func<Stream>> blobs) : IImageSource
    {
        public string Description => "a local image";

        public Task<Stream> OpenBlobAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
            blobs.TryGetValue(descriptor.Digest, out var open)
                ? Task.FromResult(open())
                : throw new NotFoundException($"blob {descriptor.Digest} is not in the content store");
    }
}
