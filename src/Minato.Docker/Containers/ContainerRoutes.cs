using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;
using Minato.Docker.Images;
using Minato.Engine.Containers;

namespace Minato.Docker.Containers;

/// <summary><c>/containers/...</c>: create, lifecycle, list, inspect, logs, attach, top, rename, pause and prune of the
/// Docker door's own containers.</summary>
public sealed partial class ContainerRoutes(
    DockerContainers containers, ContainerService engine, ImageDetails details, Exec.ExecSessions execs, TimeProvider time) : IDockerRoutes
{
    /// <summary>Largest create body: a Config with a large environment and many mounts.</summary>
    private const long MaxCreateBody = 4 * 1024 * 1024;

    public IEnumerable<DockerRoute> Routes() =>
    [
        new(HttpMethods.Post, "/containers/create", CreateAsync, MaxCreateBody),
        new(HttpMethods.Get, "/containers/json", ListAsync, 0),
        new(HttpMethods.Post, "/containers/prune", PruneAsync, 0),
        new(HttpMethods.Get, "/containers/{id}/json", InspectAsync, 0),
        new(HttpMethods.Post, "/containers/{id}/start", StartAsync, DockerRouter.DefaultMaxBodyBytes),
        new(HttpMethods.Post, "/containers/{id}/stop", StopAsync, 0),
        new(HttpMethods.Post, "/containers/{id}/restart", RestartAsync, 0),
        new(HttpMethods.Post, "/containers/{id}/kill", KillAsync, 0),
        new(HttpMethods.Post, "/containers/{id}/wait", WaitAsync, 0),
        new(HttpMethods.Post, "/containers/{id}/pause", PauseAsync, 0),
        new(HttpMethods.Post, "/containers/{id}/unpause", UnpauseAsync, 0),
        new(HttpMethods.Post, "/containers/{id}/rename", RenameAsync, 0),
        new(HttpMethods.Post, "/containers/{id}/resize", ResizeAsync, 0),
        new(HttpMethods.Get, "/containers/{id}/top", TopAsync, 0),
        new(HttpMethods.Get, "/containers/{id}/logs", LogsAsync, 0),
        new(HttpMethods.Post, "/containers/{id}/attach", AttachAsync, 0),
        new(HttpMethods.Delete, "/containers/{id}", RemoveAsync, 0),
        .. DataRoutes(),
    ];

    /// <summary>The Docker container the route names, for a call that may change it (403 for a pod container).</summary>
    private DockerContainer Container(DockerRequest request) => containers.Get(request.Route("id"));

    /// <summary>The container the route names, a pod's too (read-only), with its state: for inspect, logs, top, wait
    /// and stats.</summary>
    private (DockerContainer Container, ContainerRecord State) Viewed(DockerRequest request) => containers.View(request.Route("id"));

    /// <summary>An integer query parameter, or null when absent.</summary>
    private static int? QueryInt(DockerRequest request, string name) =>
        request.Query(name) is { Length: > 0 } text
            ? int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
                ? value : throw DockerApiException.BadRequest($"invalid value for {name}: {text}")
            : null;
}
