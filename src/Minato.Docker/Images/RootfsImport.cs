using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Minato.Docker.Events;
using Minato.Docker.Http;
using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Build;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Images.Store;

namespace Minato.Docker.Images;

/// <summary>
/// <c>POST /images/create?fromSrc=-</c> (<c>docker import</c>): the body, a root filesystem tar (plain, gzip or zstd),
/// becomes a one-layer image through the engine's recorder, so its entries pass the same confined unpacker as a pulled
/// layer's; <c>repo</c>, <c>tag</c>, <c>changes</c> and <c>message</c> as dockerd reads them.
/// </summary>
public sealed class RootfsImport(ImageStore images, ImageRecorder recorder, DockerEvents events, TimeProvider time)
{
    /// <summary>Largest body an import takes.</summary>
    public const long MaxBodyBytes = 32L * 1024 * 1024 * 1024;

    /// <summary>Imports the body; nothing is written before the image is recorded, so a refused tar keeps its 400.</summary>
    public async Task ImportAsync(DockerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Query("fromSrc") != "-")
        {
            throw DockerApiException.BadRequest("fromSrc: only \"-\" (the tarball in the request body) is supported; this engine does not fetch URLs");
        }

        var name = Name(request.Query("repo"), request.Query("tag"));
        var changes = request.Http.Request.Query["changes"].OfType<string>().ToList();
        var config = new JsonObject();
        ImageConfigEditor.ApplyChanges(config, changes);
        ImageRecord image;
        try
        {
            using var layer = await LayerFile.WriteAsync(images.Snapshots, (destination, ct) => CopyAsync(request.Http.Request.Body, destination, ct), request.Aborted);
            var message = request.Query("message");
            var document = ImageConfigEditor.Write(null, config, layer.Digest.ToString(), "", string.IsNullOrEmpty(message) ? "Imported from -" : message, null, time.GetUtcNow());
            image = await recorder.RecordAsync(null, [layer], document, name is null ? [] : [name], request.Aborted);
        }
        catch (Exception e) when (e is MalformedLayerException or UnsafeLayerException or SizeLimitExceededException or InvalidDataException
            or InvalidInputException)
        {
            throw DockerApiException.BadRequest($"invalid root filesystem tar: {e.Message}");
        }

        request.Http.Response.StatusCode = StatusCodes.Status200OK;
        request.Http.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(request.Http.Response.Body, new ProgressMessage { Status = image.Id }, DockerJson.Default.ProgressMessage, request.Aborted);
        await request.Http.Response.Body.WriteAsync("\r\n"u8.ToArray(), request.Aborted);
        events.Publish("image", "import", image.Id, new Dictionary<string, string> { ["name"] = name is null ? image.Id : DockerNames.Familiar(name) });
    }

    /// <summary>The normalised name of <c>repo</c> (which may carry a tag) and <c>tag</c>; null when no repo is given.</summary>
    internal static string? Name(string? repo, string? tag)
    {
        if (string.IsNullOrEmpty(repo))
        {
            return null;
        }

        try
        {
            var reference = ImageReference.Parse(string.IsNullOrEmpty(tag) ? repo : $"{repo}:{tag}");
            return reference.TaggedName ?? throw DockerApiException.BadRequest($"repo: {repo}: a digest cannot name an imported image");
        }
        catch (InvalidInputException e)
        {
            throw DockerApiException.BadRequest($"repo: {e.Message}");
        }
    }

    // The docker CLI sends the file as it is: compression is recognised by its magic bytes, like dockerd does.
    private static async Task CopyAsync(Stream body, Stream destination, CancellationToken cancellationToken)
    {
        var head = new byte[6];
        var read = await body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        var compression = head.AsSpan(0, read) switch
        {
            [0x1f, 0x8b, ..] => LayerCompression.Gzip,
            [0x28, 0xb5, 0x2f, 0xfd, ..] => LayerCompression.Zstd,
            [(byte)'B', (byte)'Z', (byte)'h', ..] => throw new InvalidInputException("bzip2-compressed tars are not supported; send it plain, gzip or zstd"),
            [0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00] => throw new InvalidInputException("xz-compressed tars are not supported; send it plain, gzip or zstd"),
            _ => LayerCompression.None,
        };
        await using var joined = new PrefixedStream(head.AsMemory(0, read), body, leaveOpen: true);
        await using var limited = new LimitedStream(joined, MaxBodyBytes, "The import body", leaveOpen: true);
        await using var tar = LayerDecompression.Open(limited, compression, leaveOpen: true);
        await using var bounded = new LimitedStream(tar, MaxBodyBytes, "The imported tar", leaveOpen: true);
        await bounded.CopyToAsync(destination, cancellationToken);
    }
}
