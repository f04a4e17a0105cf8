using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Minato.Docker.Events;
using Minato.Docker.Http;
using Minato.Engine.Images;
using Minato.Engine.Images.Archive;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Images.Store;

namespace Minato.Docker.Images;

/// <summary>
/// <c>docker save</c> and <c>docker load</c>: <c>GET /images/get</c>, <c>GET /images/{name}/get</c> and
/// <c>POST /images/load</c>, through the engine's archive code (a load goes through the same checks as a pull).
/// </summary>
public sealed class ImageArchiveRoutes(ImageStore images, ImageImporter importer, ImageExporter exporter, DockerEvents events) : IDockerRoutes
{
    /// <summary>Largest archive <c>POST /images/load</c> takes.</summary>
    public const long MaxArchiveBytes = 32L * 1024 * 1024 * 1024;

    /// <summary>Most images one save names.</summary>
    public const int MaxNames = 256;

    public IEnumerable<DockerRoute> Routes() =>
    [
        new(HttpMethods.Get, "/images/get", SaveManyAsync, 0),
        new(HttpMethods.Get, "/images/{name*}/get", SaveOneAsync, 0),
        new(HttpMethods.Post, "/images/load", LoadAsync, MaxArchiveBytes),
    ];

    private Task SaveManyAsync(DockerRequest request)
    {
        var names = request.Http.Request.Query["names"].Where(n => !string.IsNullOrEmpty(n)).Select(n => n!).ToList();
        if (names.Count == 0)
        {
            throw DockerApiException.BadRequest("names is required: the images to save");
        }

        return names.Count > MaxNames
            ? throw DockerApiException.BadRequest($"at most {MaxNames} images may be saved at once")
            : SaveAsync(request, names);
    }

    private Task SaveOneAsync(DockerRequest request) => SaveAsync(request, [request.Route("name")]);

    private async Task SaveAsync(DockerRequest request, IReadOnlyList<string> names)
    {
        var records = names.Select(n => images.Resolve(n) ?? throw DockerApiException.NotFound($"No such image: {n}"))
            .DistinctBy(r => r.Id).ToList();
        request.Http.Response.StatusCode = StatusCodes.Status200OK;
        request.Http.Response.ContentType = "application/x-tar";
        await exporter.WriteAsync(records, request.Http.Response.Body, request.Aborted);
        foreach (var record in records)
        {
            events.Publish("image", "save", record.Id, new Dictionary<string, string> { ["name"] = record.Id });
        }
    }

    // dockerd streams {"stream": "Loaded image: ..."} lines; nothing is written before the import is done, so a refused
    // archive keeps its status (400) and leaves no image.
    private async Task LoadAsync(DockerRequest request)
    {
        _ = request.QueryBool("quiet");
        IReadOnlyList<ImageRecord> loaded;
        try
        {
            loaded = await importer.ImportAsync(request.Http.Request.Body, request.Aborted);
        }
        catch (Exception e) when (e is ContentVerificationException or MalformedLayerException or UnsafeLayerException
            or SizeLimitExceededException or InvalidDigestException or JsonException or InvalidDataException or FormatException)
        {
            throw DockerApiException.BadRequest($"invalid image archive: {e.Message}");
        }

        request.Http.Response.StatusCode = StatusCodes.Status200OK;
        request.Http.Response.ContentType = "application/json";
        foreach (var image in loaded)
        {
            var lines = image.RepoTags.Count > 0 ? image.RepoTags.Select(t => $"Loaded image: {DockerNames.Familiar(t)}") : [$"Loaded image ID: {image.Id}"];
            foreach (var line in lines)
            {
                await JsonSerializer.SerializeAsync(request.Http.Response.Body, new ProgressMessage { Stream = line + "\n" }, DockerJson.Default.ProgressMessage, request.Aborted);
                await request.Http.Response.Body.WriteAsync("\r\n"u8.ToArray(), request.Aborted);
            }

            events.Publish("image", "load", image.Id, new Dictionary<string, string> { ["name"] = image.Id });
        }
    }
}
