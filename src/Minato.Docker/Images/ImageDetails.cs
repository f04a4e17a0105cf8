using System.Collections.Concurrent;
using System.Text.Json;
using Minato.Engine.Images;
using Minato.Engine.Images.Manifests;
using Minato.Engine.Images.Store;

namespace Minato.Docker.Images;

/// <summary>What Docker shows of an image beyond the store's record: its config, read from the content store once.</summary>
/// <param name="Config">The parsed config (created, history, platform).</param>
/// <param name="ContainerConfig">The config's <c>config</c> object as written, Docker-cased already (User, Env, Cmd, ...).</param>
public sealed record ImageDetail(ImageConfig Config, JsonElement? ContainerConfig)
{
    /// <summary>The image's labels (empty when none).</summary>
    public IReadOnlyDictionary<string, string> Labels => Config.Config?.Labels ?? new Dictionary<string, string>();

    /// <summary>Seconds since the epoch of <c>created</c>; 0 when the config has none.</summary>
    public long CreatedUnix => Config.Created?.ToUnixTimeSeconds() ?? 0;
}

/// <summary>Reads and caches image configs by image id; a config is content-addressed, so an entry never goes stale.</summary>
public sealed class ImageDetails(ImageStore images)
{
    /// <summary>Largest config read (the engine bounds configs at pull already).</summary>
    private const int MaxConfigBytes = 8 * 1024 * 1024;

    private readonly ConcurrentDictionary<string, ImageDetail> cache = new(StringComparer.Ordinal);

    /// <summary>The detail of <paramref name="image"/>.</summary>
    public ImageDetail Of(ImageRecord image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (cache.TryGetValue(image.Id, out var known))
        {
            return known;
        }

        var digest = Digest.Parse(image.Id);
        using var stream = images.Content.OpenRead(digest);
        if (stream.Length > MaxConfigBytes)
        {
            throw new UnsupportedImageException($"image config {digest} is larger than {MaxConfigBytes} bytes");
        }

        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var config = ManifestParser.ParseConfig(bytes, digest, image.Layers.Count);
        using var document = JsonDocument.Parse(bytes);
        var raw = document.RootElement.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? c.Clone() : (JsonElement?)null;
        var detail = new ImageDetail(config, raw);

        // Bounded by the number of images; entries of removed images are dropped by Forget.
        cache[image.Id] = detail;
        return detail;
    }

    /// <summary>Drops the entry of a removed image.</summary>
    public void Forget(string imageId) => cache.TryRemove(imageId, out _);
}
