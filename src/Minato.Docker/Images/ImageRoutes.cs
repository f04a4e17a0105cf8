using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Minato.Docker.Http;
using Minato.Engine.Containers;
using Minato.Engine.Images.Pull;
using Minato.Engine.Images.Store;

namespace Minato.Docker.Images;

/// <summary>
/// <c>/images/...</c>: pull, list, inspect, history, tag and remove, on the engine's one image store (the images the
/// CRI pulled are Docker's images too, and the reverse).
/// </summary>
public sealed partial class ImageRoutes(
    ImageStore images, ImagePuller puller, ContainerService containers, ImageDetails details, ImageSummaries summaries,
    RootfsImport import, ILogger<ImageRoutes> logger) : IDockerRoutes
{
    private ILogger Logger => logger;

    public IEnumerable<DockerRoute> Routes() =>
    [
        new(HttpMethods.Post, "/images/create", CreateAsync, RootfsImport.MaxBodyBytes),
        new(HttpMethods.Get, "/images/json", ListAsync, 0),
        new(HttpMethods.Post, "/images/prune", PruneAsync, 0),
        new(HttpMethods.Get, "/images/{name*}/json", InspectAsync, 0),
        new(HttpMethods.Get, "/images/{name*}/history", HistoryAsync, 0),
        new(HttpMethods.Post, "/images/{name*}/tag", TagAsync, 0),
        new(HttpMethods.Delete, "/images/{name*}", RemoveAsync, 0),
    ];

    /// <summary>The image <paramref name="name"/> names (id, id prefix, or reference normalised as the engine does).</summary>
    /// <exception cref="DockerApiException">404 <c>No such image: name</c>, as dockerd.</exception>
    private ImageRecord Resolve(string name) =>
        images.Resolve(name) ?? throw DockerApiException.NotFound($"No such image: {name}");

    private static string Short(string id) => (id.StartsWith("sha256:", StringComparison.Ordinal) ? id[7..] : id)[..12];
}
