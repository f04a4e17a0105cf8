using System.Text.Json;
using Minato.Engine.Images.Content;

namespace Minato.Engine.Images.Manifests;

/// <summary>A manifest or index document as fetched: its bytes, its digest and its checked content.</summary>
public sealed record FetchedManifest(string MediaType, Digest Digest, ReadOnlyMemory<byte> Bytes, ManifestDocument Document);

/// <summary>Reads manifests, indexes and image configs, refusing what is inconsistent or not an image.</summary>
public static class ManifestParser
{
    /// <summary>Largest manifest or index accepted (the distribution spec's recommended 4 MiB).</summary>
    public const int MaxManifestBytes = 4 << 20;

    /// <summary>Largest image config accepted.</summary>
    public const int MaxConfigBytes = 8 << 20;

    /// <summary>
    /// Parses <paramref name="bytes"/> as a manifest or index. The media type must agree between the transport
    /// (<paramref name="contentType"/>), the descriptor (<paramref name="expectedType"/>) and the document itself.
    /// </summary>
    public static FetchedManifest Parse(ReadOnlyMemory<byte> bytes, Digest digest, string? contentType, string? expectedType)
    {
        if (bytes.Length > MaxManifestBytes)
        {
            throw new SizeLimitExceededException($"Manifest {digest}", MaxManifestBytes);
        }

        if (MediaTypes.IsSchema1(contentType) || MediaTypes.IsSchema1(expectedType))
        {
            throw Schema1(digest);
        }

        ManifestDocument document;
        try
        {
            document = JsonSerializer.Deserialize(bytes.Span, OciJsonContext.Default.ManifestDocument)
                ?? throw new UnsupportedImageException($"manifest {digest} is null");
        }
        catch (JsonException e)
        {
            throw new UnsupportedImageException($"manifest {digest} is not valid JSON: {e.Message}", e);
        }

        if (document.SchemaVersion == 1)
        {
            throw Schema1(digest);
        }

        if (document.SchemaVersion != 2)
        {
            throw new UnsupportedImageException($"manifest {digest} has schemaVersion {document.SchemaVersion}, expected 2");
        }

        if (document.Manifests is not null && (document.Layers is not null || document.Config is not null))
        {
            throw new UnsupportedImageException($"manifest {digest} has both 'manifests' and 'layers' or 'config'; it is ambiguous and refused");
        }

        var mediaType = Agree(digest, document.MediaType, contentType, expectedType)
            ?? (document.Manifests is not null ? MediaTypes.OciIndex : MediaTypes.OciManifest);
        if (MediaTypes.IsIndex(mediaType) != (document.Manifests is not null) || !(MediaTypes.IsIndex(mediaType) || MediaTypes.IsManifest(mediaType)))
        {
            throw new UnsupportedImageException($"{digest} has media type {mediaType}, which does not match its content or is not an image manifest");
        }

        if (MediaTypes.IsManifest(mediaType))
        {
            CheckImageManifest(digest, document);
        }
        else
        {
            foreach (var entry in document.Manifests!)
            {
                Required(entry?.Digest, $"index {digest} has a manifest entry without a digest");
            }
        }

        return new FetchedManifest(mediaType, digest, bytes, document);
    }

    /// <summary>Parses and checks an image config against the layers of its manifest.</summary>
    public static ImageConfig ParseConfig(ReadOnlySpan<byte> bytes, Digest digest, int layerCount)
    {
        ImageConfig config;
        try
        {
            config = JsonSerializer.Deserialize(bytes, OciJsonContext.Default.ImageConfig)
                ?? throw new UnsupportedImageException($"image config {digest} is null");
        }
        catch (JsonException e)
        {
            throw new UnsupportedImageException($"image config {digest} is not valid JSON: {e.Message}", e);
        }

        // "diff_ids": null (or a later duplicate key saying so) leaves the list null despite its default.
        if (config.Rootfs is not { Type: "layers", DiffIds: { } diffIds } rootfs || diffIds.Count != layerCount)
        {
            throw new UnsupportedImageException(
                $"image config {digest} lists {config.Rootfs?.DiffIds?.Count ?? 0} diff_ids for {layerCount} layers (rootfs.type must be \"layers\")");
        }

        foreach (var diffId in rootfs.DiffIds)
        {
            Required(diffId, $"image config {digest} has a null diff_id");
        }

        return config;
    }

    private static void CheckImageManifest(Digest digest, ManifestDocument document)
    {
        if (document.Config is not { } config || document.Layers is null)
        {
            throw new UnsupportedImageException($"manifest {digest} has no config or no layers");
        }

        if (!MediaTypes.IsImageConfig(config.MediaType) ||
            document.ArtifactType is { Length: > 0 } && !MediaTypes.IsImageConfig(document.ArtifactType))
        {
            throw new UnsupportedImageException(
                $"manifest {digest} is an artifact of type {document.ArtifactType ?? config.MediaType}, not a container image");
        }

        Required(config.Digest, $"manifest {digest} has a config without a digest");
        if (config.Size is < 0 or > MaxConfigBytes)
        {
            throw new SizeLimitExceededException($"Image config {config.Digest}", MaxConfigBytes);
        }

        foreach (var layer in document.Layers)
        {
            if (layer is null)
            {
                throw new UnsupportedImageException($"manifest {digest} has a null layer");
            }

            Required(layer.Digest, $"manifest {digest} has a layer without a digest");
            if (LayerDecompression.FromMediaType(layer.MediaType) is null)
            {
                throw new UnsupportedImageException($"manifest {digest} has a layer of type {layer.MediaType}, which is not an image layer");
            }

            if (layer.Size < 0)
            {
                throw new UnsupportedImageException($"manifest {digest} has a layer with a negative size");
            }
        }
    }

    /// <summary>Parses a digest the document must have; a missing one (JSON null or absent) is the image's fault like a
    /// malformed one, not an argument error.</summary>
    private static Digest Required(string? value, string missing) =>
        value is null ? throw new UnsupportedImageException(missing) : Digest.Parse(value);

    private static string? Agree(Digest digest, params string?[] types)
    {
        string? agreed = null;
        foreach (var type in types)
        {
            // Registries may answer with parameters ("; charset=utf-8") or a generic JSON type when none was stored.
            var bare = type?.Split(';')[0].Trim();
            if (string.IsNullOrEmpty(bare) || bare is "application/json" or "application/octet-stream" or "text/plain")
            {
                continue;
            }

            if (agreed is not null && agreed != bare)
            {
                throw new UnsupportedImageException($"manifest {digest} is announced as {agreed} but is {bare}");
            }

            agreed = bare;
        }

        return agreed;
    }

    private static UnsupportedImageException Schema1(Digest digest) =>
        new($"manifest {digest} is Docker schema 1, which is deprecated and not supported; push the image again with a current client");
}
