using System.Text.Json;
using Minato.Engine.Errors;
using Minato.Engine.Images.Manifests;
using Minato.Engine.Images.Pull;
using Minato.Engine.Images.Store;

namespace Minato.Engine.Images.Archive;

/// <summary>Imports <c>docker save</c> archives and OCI image layouts (tar or directory) through the pull path.</summary>
/// <remarks>Every blob goes through the same digest checks and confined unpack as a pull; only the source differs.</remarks>
public sealed class ImageImporter(ImageUnpacker unpacker, ImageStore images, ImageOptions options, TimeProvider time)
{
    private const string RefName = "org.opencontainers.image.ref.name";
    private const string ContainerdName = "io.containerd.image.name";

    /// <summary>Imports every image in <paramref name="path"/>; <paramref name="tag"/> names an image the archive leaves unnamed.</summary>
    public async Task<IReadOnlyList<ImageRecord>> ImportAsync(string path, string? tag, CancellationToken cancellationToken)
    {
        var fallback = string.IsNullOrEmpty(tag) ? null : ImageReference.Parse(tag);
        if (Directory.Exists(path))
        {
            return await ImportDirectoryAsync(path, fallback, cancellationToken);
        }

        if (!File.Exists(path))
        {
            throw new NotFoundException($"{path}: no such file or directory");
        }

        var scratch = Path.Combine(images.Snapshots.Root, "..", "unpack", "import-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            await ArchiveExtractor.ExtractAsync(path, scratch, cancellationToken);
            return await ImportDirectoryAsync(scratch, fallback, cancellationToken);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Imports every image of the tar read from <paramref name="archive"/> (an upload: <c>docker load</c>).</summary>
    /// <remarks>The tar is extracted to a scratch directory first (confined, bounded), then imported as a file would be.</remarks>
    public async Task<IReadOnlyList<ImageRecord>> ImportAsync(Stream archive, CancellationToken cancellationToken)
    {
        var scratch = Path.Combine(images.Snapshots.Root, "..", "unpack", "import-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            try
            {
                await ArchiveExtractor.ExtractAsync(archive, "the archive", scratch, cancellationToken);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidInputException($"the archive is not a readable tar: {e.Message}", e);
            }

            return await ImportDirectoryAsync(scratch, null, cancellationToken);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private async Task<IReadOnlyList<ImageRecord>> ImportDirectoryAsync(string directory, ImageReference? fallback, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(directory, "index.json")))
        {
            return await ImportLayoutAsync(directory, fallback, cancellationToken);
        }

        if (File.Exists(Path.Combine(directory, "manifest.json")))
        {
            return await ImportDockerAsync(directory, fallback, cancellationToken);
        }

        throw new InvalidInputException("neither an OCI image layout (index.json) nor a docker save archive (manifest.json)");
    }

    private async Task<IReadOnlyList<ImageRecord>> ImportLayoutAsync(string directory, ImageReference? fallback, CancellationToken cancellationToken)
    {
        var source = new LayoutSource(directory);
        var indexBytes = await ReadCappedAsync(Path.Combine(directory, "index.json"), cancellationToken);
        var index = ManifestParser.Parse(indexBytes, Digest.Compute(indexBytes), MediaTypes.OciIndex, null);
        var records = new List<ImageRecord>();
        foreach (var entry in index.Document.Manifests!)
        {
            var top = await FetchAsync(source, entry, cancellationToken);
            var resolved = MediaTypes.IsIndex(top.MediaType)
                ? new ResolvedImage(await FetchAsync(source, PlatformMatcher.Host.Choose(top.Document.Manifests!, top.Digest), cancellationToken), top)
                : new ResolvedImage(top, null);
            var name = NameOf(entry.Annotations, fallback);
            records.Add(await UnpackAsync(resolved, source, name is null ? [] : [name], cancellationToken));
        }

        return records;
    }

    private async Task<IReadOnlyList<ImageRecord>> ImportDockerAsync(string directory, ImageReference? fallback, CancellationToken cancellationToken)
    {
        var entries = JsonSerializer.Deserialize(
            await ReadCappedAsync(Path.Combine(directory, "manifest.json"), cancellationToken), OciJsonContext.Default.IReadOnlyListDockerArchiveEntry) ?? [];
        var records = new List<ImageRecord>();
        foreach (var entry in entries)
        {
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            var config = await DescribeAsync(directory, entry.Config, MediaTypes.DockerConfig, files, cancellationToken);
            var layers = new List<Descriptor>();
            foreach (var layer in entry.Layers)
            {
                layers.Add(await DescribeAsync(directory, layer, null, files, cancellationToken));
            }

            // docker save has no manifest; one is written so the image is stored like a pulled one.
            var manifest = new ManifestDocument { SchemaVersion = 2, MediaType = MediaTypes.DockerManifest, Config = config, Layers = layers };
            var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, OciJsonContext.Default.ManifestDocument);
            var fetched = ManifestParser.Parse(bytes, Digest.Compute(bytes), MediaTypes.DockerManifest, null);
            var names = (entry.RepoTags ?? []).Select(t => ImageReference.Parse(t).ToString()).ToList();
            if (names.Count == 0 && fallback is not null)
            {
                names.Add(fallback.ToString());
            }

            records.Add(await UnpackAsync(new ResolvedImage(fetched, null), new LayoutSource(directory, files), names, cancellationToken));
        }

        return records;
    }

    private async Task<ImageRecord> UnpackAsync(ResolvedImage resolved, IImageSource source, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        using var watchdog = new StallWatchdog(options.StallTimeout, time);
        return await unpacker.UnpackAsync(resolved, source, names, new PullProgress(), watchdog, cancellationToken);
    }

    private static async Task<FetchedManifest> FetchAsync(IImageSource source, Descriptor descriptor, CancellationToken cancellationToken)
    {
        var bytes = await ImageUnpacker.ReadSmallBlobAsync(source, descriptor, ManifestParser.MaxManifestBytes, null, cancellationToken);
        return ManifestParser.Parse(bytes, Digest.Parse(descriptor.Digest), null, descriptor.MediaType);
    }

    // A file of a docker save archive, hashed so it can be checked again as it is read.
    private static async Task<Descriptor> DescribeAsync(
        string directory, string name, string? mediaType, Dictionary<string, string> files, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(Path.Combine(directory, name));
        if (!path.StartsWith(Path.GetFullPath(directory) + "/", StringComparison.Ordinal) || !File.Exists(path))
        {
            throw new InvalidInputException($"{directory}: manifest.json names a missing or outside file \"{name}\"");
        }

        await using var stream = File.OpenRead(path);
        var magic = new byte[4];
        var read = await stream.ReadAtLeastAsync(magic, 4, throwOnEndOfStream: false, cancellationToken);
        stream.Position = 0;
        var digest = Digest.FromHash(Digest.Sha256, await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken));
        files[digest.ToString()] = path;
        mediaType ??= read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b ? MediaTypes.OciLayerGzip
            : read == 4 && magic is [0x28, 0xb5, 0x2f, 0xfd] ? "application/vnd.oci.image.layer.v1.tar+zstd"
            : MediaTypes.OciLayer;
        return new Descriptor { MediaType = mediaType, Digest = digest.ToString(), Size = stream.Length };
    }

    private static string? NameOf(IReadOnlyDictionary<string, string>? annotations, ImageReference? fallback)
    {
        var full = annotations?.GetValueOrDefault(ContainerdName);
        var refName = annotations?.GetValueOrDefault(RefName);
        if (full is not null)
        {
            return ImageReference.Parse(full).ToString();
        }

        // ref.name is often just a tag ("latest"); it names an image only together with a repository.
        if (refName is not null && (refName.Contains('/', StringComparison.Ordinal) || refName.Contains(':', StringComparison.Ordinal)))
        {
            return ImageReference.Parse(refName).ToString();
        }

        return fallback is null ? null : refName is null ? fallback.ToString() : $"{fallback.Name}:{refName}";
    }

    private static async Task<byte[]> ReadCappedAsync(string path, CancellationToken cancellationToken) =>
        new FileInfo(path).Length > ManifestParser.MaxManifestBytes
            ? throw new InvalidInputException($"{path} is larger than {ManifestParser.MaxManifestBytes} bytes")
            : await File.ReadAllBytesAsync(path, cancellationToken);
}
