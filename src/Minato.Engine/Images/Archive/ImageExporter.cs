using System.Formats.Tar;
using System.Text.Json;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Manifests;
using Minato.Engine.Images.Store;

namespace Minato.Engine.Images.Archive;

/// <summary>
/// Writes stored images as an OCI image layout tar with a <c>docker save</c> <c>manifest.json</c> beside it, as Docker 25+
/// writes them: <c>skopeo</c>, <c>podman</c>, every dockerd and this engine load it.
/// </summary>
public sealed class ImageExporter(ContentStore content)
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    /// <summary>Writes <paramref name="records"/> (each as its platform manifest, named by its tags) to <paramref name="output"/>.</summary>
    public async Task WriteAsync(IReadOnlyList<ImageRecord> records, Stream output, CancellationToken cancellationToken)
    {
        await using var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await AddAsync(tar, "oci-layout", JsonSerializer.SerializeToUtf8Bytes(new OciLayoutFile(), OciJsonContext.Default.OciLayoutFile), cancellationToken);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<Descriptor>();
        var dockerEntries = new List<DockerArchiveEntry>();
        foreach (var image in records)
        {
            dockerEntries.Add(new DockerArchiveEntry
            {
                Config = BlobPath(Digest.Parse(image.Id)),
                RepoTags = image.RepoTags.Count > 0 ? image.RepoTags : null,
                Layers = [.. image.Layers.Select(l => BlobPath(Digest.Parse(l.Digest)))],
            });

            var manifest = Digest.Parse(image.ManifestDigest);
            foreach (var blob in new[] { image.ManifestDigest, image.Id }.Concat(image.Layers.Select(l => l.Digest)))
            {
                if (written.Add(blob))
                {
                    await AddBlobAsync(tar, Digest.Parse(blob), cancellationToken);
                }
            }

            var size = content.SizeOf(manifest) ?? 0;
            IReadOnlyList<string?> names = image.RepoTags.Count > 0 ? [.. image.RepoTags] : [null];
            entries.AddRange(names.Select(name => new Descriptor
            {
                MediaType = image.ManifestMediaType,
                Digest = image.ManifestDigest,
                Size = size,
                Annotations = name is null ? null : new Dictionary<string, string>
                {
                    ["io.containerd.image.name"] = name,
                    ["org.opencontainers.image.ref.name"] = name[(name.LastIndexOf(':') + 1)..],
                },
            }));
        }

        var index = new ManifestDocument { SchemaVersion = 2, MediaType = MediaTypes.OciIndex, Manifests = entries };
        await AddAsync(tar, "index.json", JsonSerializer.SerializeToUtf8Bytes(index, OciJsonContext.Default.ManifestDocument), cancellationToken);
        await AddAsync(tar, "manifest.json",
            JsonSerializer.SerializeToUtf8Bytes<IReadOnlyList<DockerArchiveEntry>>(dockerEntries, OciJsonContext.Default.IReadOnlyListDockerArchiveEntry), cancellationToken);
    }

    private static string BlobPath(Digest digest) => $"blobs/{digest.Algorithm}/{digest.Hex}";

    private async Task AddBlobAsync(TarWriter tar, Digest digest, CancellationToken cancellationToken)
    {
        if (!content.Exists(digest))
        {
            throw new FileNotFoundException($"blob {digest} is not in the content store (the image was stored without it)");
        }

        await using var data = content.OpenRead(digest);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, BlobPath(digest))
        {
            DataStream = data,
            ModificationTime = Epoch,
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        };
        await tar.WriteEntryAsync(entry, cancellationToken);
    }

    private static async Task AddAsync(TarWriter tar, string name, byte[] bytes, CancellationToken cancellationToken)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(bytes),
            ModificationTime = Epoch,
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        };
        await tar.WriteEntryAsync(entry, cancellationToken);
    }
}
