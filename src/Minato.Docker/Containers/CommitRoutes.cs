using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Minato.Docker.Events;
using Minato.Docker.Http;
using Minato.Docker.Images;
using Minato.Engine.Containers;
using Minato.Engine.Images;
using Minato.Engine.Images.Build;
using Minato.Engine.Images.Store;

namespace Minato.Docker.Containers;

/// <summary>
/// <c>POST /commit</c> (<c>docker commit</c>): the container's writable layer as one more layer over its image, under the
/// image's config with the container's settings, the body's overrides and the <c>changes</c> instructions, recorded
/// through the engine's recorder (the image is runnable at once by either door).
/// </summary>
/// <remarks>A running container is frozen while its layer is written unless <c>pause=false</c>, as dockerd does.</remarks>
public sealed class CommitRoutes(
    DockerContainers containers, ContainerService engine, ImageStore images, ImageRecorder recorder, DockerEvents events, TimeProvider time)
    : IDockerRoutes
{
    /// <summary>Largest config body.</summary>
    private const long MaxBody = 4 * 1024 * 1024;

    /// <summary>Largest image config read from the store.</summary>
    private const int MaxConfigBytes = 8 * 1024 * 1024;

    public IEnumerable<DockerRoute> Routes() => [new(HttpMethods.Post, "/commit", CommitAsync, MaxBody)];

    private async Task CommitAsync(DockerRequest request)
    {
        var reference = request.Query("container") is { Length: > 0 } given
            ? given
            : throw DockerApiException.BadRequest("container is required: the container to commit");
        var container = containers.Get(reference);
        var name = RootfsImport.Name(request.Query("repo"), request.Query("tag"));
        var overrides = await request.ReadJsonAsync(DockerJson.Default.ContainerConfig, new ContainerConfig());
        var changes = request.Http.Request.Query["changes"].OfType<string>().ToList();
        var image = images.Find(container.ImageId) ?? throw DockerApiException.NotFound($"No such image: {container.ImageId}");
        var document = await ReadConfigAsync(image, request.Aborted);
        var config = document["config"]?.DeepClone() as JsonObject ?? new JsonObject();
        ImageConfigEditor.Merge(config, container.Config);
        ImageConfigEditor.Merge(config, overrides);
        ImageConfigEditor.ApplyChanges(config, changes);

        var pause = request.Query("pause") is null || request.QueryBool("pause");
        var frozen = pause && containers.State(container).Phase == ContainerPhase.Running && !container.Paused;
        if (frozen)
        {
            await containers.PauseAsync(container, true, request.Aborted);
        }

        ImageRecord committed;
        try
        {
            using var layer = await engine.WriteLayerAsync(container.Id, request.Aborted);
            var createdBy = string.Join(' ', new[] { container.Path }.Concat(container.Args));
            var bytes = ImageConfigEditor.Write(document, config, layer.Digest.ToString(), createdBy, request.Query("comment"), request.Query("author"), time.GetUtcNow());
            committed = await recorder.RecordAsync(image, [layer], bytes, name is null ? [] : [name], request.Aborted);
        }
        finally
        {
            if (frozen)
            {
                await containers.PauseAsync(containers.Get(container.Id), false, CancellationToken.None);
            }
        }

        events.Publish("container", "commit", container.Id, new Dictionary<string, string>
        {
            ["comment"] = request.Query("comment") ?? "",
            ["imageID"] = committed.Id,
            ["imageRef"] = name is null ? committed.Id : DockerNames.Familiar(name),
        });
        await request.WriteJsonAsync(new CommitResponse(committed.Id), DockerJson.Default.CommitResponse, StatusCodes.Status201Created);
    }

    private async Task<JsonObject> ReadConfigAsync(ImageRecord image, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(image.Id);
        if (images.Content.SizeOf(digest) is not { } size || size > MaxConfigBytes)
        {
            throw DockerApiException.NotFound($"the config of image {image.Id} is not in the content store");
        }

        return JsonNode.Parse(await images.Content.ReadAllAsync(digest, cancellationToken)) as JsonObject ?? new JsonObject();
    }
}

/// <summary>The answer of <c>POST /commit</c>: the new image's id.</summary>
public sealed record CommitResponse(string Id);
