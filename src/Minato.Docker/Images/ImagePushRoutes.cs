using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Minato.Docker.Events;
using Minato.Docker.Http;
using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Push;
using Minato.Engine.Images.Store;

namespace Minato.Docker.Images;

/// <summary><c>POST /images/{name}/push</c>: the engine's push, streamed as the JSON progress lines the docker CLI renders.</summary>
/// <remarks>
/// As dockerd, the answer is a 200 stream from the first line ("The push refers to repository [...]"); every failure after
/// that, a missing local image or a registry's refusal included, is its last line. An empty <c>tag</c> pushes every
/// local tag of the repository, one after the other.
/// </remarks>
public sealed class ImagePushRoutes(ImageStore images, ImagePusher pusher, DockerEvents events, ILogger<ImagePushRoutes> logger) : IDockerRoutes
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    public IEnumerable<DockerRoute> Routes() => [new(HttpMethods.Post, "/images/{name*}/push", PushAsync, 0)];

    private async Task PushAsync(DockerRequest request)
    {
        var repository = Repository(request.Route("name"), request.Query("tag"), out var tag);
        var credential = RegistryAuthHeader.Decode(request.Http.Request.Headers["X-Registry-Auth"]);
        request.Http.Response.StatusCode = StatusCodes.Status200OK;
        request.Http.Response.ContentType = "application/json";
        var writer = new PushProgressWriter(request.Http.Response.Body);
        await writer.StatusAsync($"The push refers to repository [{repository.Name}]", null, request.Aborted);
        try
        {
            var tags = tag is not null ? [tag] : LocalTags(repository);
            if (tags.Count == 0)
            {
                throw new NotFoundException($"An image does not exist locally with the tag: {repository.Name}");
            }

            foreach (var each in tags)
            {
                var target = ImageReference.Parse($"{repository.Name}:{each}");
                var progress = new PushProgress();
                var push = pusher.PushAsync(target, credential?.ToCredential(), credential?.ServerAddress, progress, request.Aborted);
                while (await Task.WhenAny(push, Task.Delay(ProgressInterval, request.Aborted)) != push)
                {
                    await writer.LayersAsync(progress.Snapshot(), request.Aborted);
                }

                var result = await push;
                await writer.LayersAsync(progress.Snapshot(), request.Aborted);
                await writer.DoneAsync(result, request.Aborted);
                events.Publish("image", "push", target.ToString(), new Dictionary<string, string> { ["name"] = DockerNames.Familiar(target.ToString()) });
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !request.Aborted.IsCancellationRequested)
        {
            DockerLog.PushFailedInStream(logger, e, repository.Name);
            await writer.ErrorAsync(DockerErrors.Map(e).Message, request.Aborted);
        }
    }

    /// <summary>The repository pushed to; <paramref name="tag"/> is the query's tag, or one in the name, or null for all.</summary>
    private static ImageReference Repository(string name, string? queryTag, out string? tag)
    {
        var colon = name.LastIndexOf(':');
        var named = colon > name.LastIndexOf('/') ? name[(colon + 1)..] : null;
        tag = !string.IsNullOrEmpty(queryTag) ? queryTag : named;
        try
        {
            var repository = ImageReference.Parse(named is null ? name : name[..colon]);
            if (repository.Digest is not null || name.Contains('@', StringComparison.Ordinal))
            {
                throw DockerApiException.BadRequest($"cannot push a digest reference: {name}");
            }

            if (tag is not null)
            {
                _ = ImageReference.Parse($"{repository.Name}:{tag}");
            }

            return repository;
        }
        catch (InvalidInputException e)
        {
            throw DockerApiException.BadRequest(e.Message);
        }
    }

    private List<string> LocalTags(ImageReference repository) =>
    [
        .. images.All.SelectMany(i => i.RepoTags)
            .Where(t => t.StartsWith(repository.Name + ":", StringComparison.Ordinal))
            .Select(t => t[(repository.Name.Length + 1)..])
            .Distinct()
            .Order(StringComparer.Ordinal),
    ];
}
