using Minato.Docker.Http;

namespace Minato.Docker.Containers;

/// <summary><c>POST /containers/create</c>.</summary>
public sealed partial class ContainerRoutes
{
    private async Task CreateAsync(DockerRequest request)
    {
        var body = await request.ReadJsonAsync(DockerJson.Default.ContainerCreateRequest, new ContainerCreateRequest());
        if (request.Query("platform") is { Length: > 0 } platform && !platform.StartsWith("linux", StringComparison.Ordinal))
        {
            throw DockerApiException.BadRequest($"platform {platform} is not served: this daemon runs linux containers");
        }

        var container = await containers.CreateAsync(body, request.Query("name"), details, request.Aborted);
        await request.WriteJsonAsync(new ContainerCreateResponse(container.Id, []), DockerJson.Default.ContainerCreateResponse, 201);
    }
}
