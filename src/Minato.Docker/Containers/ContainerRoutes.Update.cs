using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;

namespace Minato.Docker.Containers;

/// <summary>The routes that read or change a container's data and limits: stats, update, changes, export, archive.</summary>
public sealed partial class ContainerRoutes
{
    /// <summary>Largest tar a <c>PUT /containers/{id}/archive</c> takes.</summary>
    private const long MaxArchiveBody = 8L * 1024 * 1024 * 1024;

    private IEnumerable<DockerRoute> DataRoutes() =>
    [
        new(HttpMethods.Get, "/containers/{id}/stats", StatsAsync, 0),
        new(HttpMethods.Post, "/containers/{id}/update", UpdateAsync, DockerRouter.DefaultMaxBodyBytes),
        new(HttpMethods.Get, "/containers/{id}/changes", ChangesAsync, 0),
        new(HttpMethods.Get, "/containers/{id}/export", ExportAsync, 0),
        new(HttpMethods.Get, "/containers/{id}/archive", ArchiveGetAsync, 0),
        new(HttpMethods.Head, "/containers/{id}/archive", ArchiveHeadAsync, 0),
        new(HttpMethods.Put, "/containers/{id}/archive", ArchivePutAsync, MaxArchiveBody),
    ];

    /// <summary><c>POST /containers/{id}/update</c>.</summary>
    private async Task UpdateAsync(DockerRequest request)
    {
        var container = Container(request);
        var body = await request.ReadJsonAsync(ContainerDataJson.Default.ContainerUpdateRequest, new ContainerUpdateRequest());
        await containers.UpdateAsync(container, body, request.Aborted);
        await request.WriteJsonAsync(new ContainerUpdateResponse([]), ContainerDataJson.Default.ContainerUpdateResponse);
    }
}
