using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;
using Minato.Docker.Images;
using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Registry;

namespace Minato.Docker.Daemon;

/// <summary>
/// <c>POST /auth</c>: checks credentials against the registry (<c>docker login</c>); nothing is stored, the client keeps
/// them and sends them with each pull.
/// </summary>
public sealed class AuthRoutes(RegistryClient registry, RegistrySettings settings) : IDockerRoutes
{
    private const long MaxBodyBytes = 64 * 1024;

    public IEnumerable<DockerRoute> Routes() =>
    [
        new(HttpMethods.Post, "/auth", LoginAsync, MaxBodyBytes),
    ];

    private async Task LoginAsync(DockerRequest request)
    {
        var config = await request.ReadJsonAsync(DockerJson.Default.RegistryAuthConfig, new RegistryAuthConfig());
        var credential = config.ToCredential() ?? throw DockerApiException.BadRequest("username and password (or an identity token) are required");
        var host = RegistryCredential.HostOf(string.IsNullOrEmpty(config.ServerAddress) ? ImageReference.DockerHub : config.ServerAddress);
        RegistryEndpoint endpoint;
        try
        {
            // The registry itself, not a mirror: the credentials are for it.
            endpoint = settings.Registries.Endpoints(ImageReference.Parse(host + "/login-check")).Last(e => !e.IsMirror);
        }
        catch (InvalidInputException e)
        {
            throw DockerApiException.BadRequest($"invalid registry address \"{config.ServerAddress}\": {e.Message}");
        }

        try
        {
            await registry.LoginAsync(endpoint, credential, request.Aborted);
        }
        catch (RegistryException e) when (e.Failure == RegistryFailure.Unauthorized)
        {
            throw new DockerApiException(StatusCodes.Status401Unauthorized, e.Message);
        }

        await request.WriteJsonAsync(new AuthResponse("Login Succeeded", ""), DockerJson.Default.AuthResponse);
    }
}

/// <summary>The answer of a successful <c>POST /auth</c>.</summary>
public sealed record AuthResponse(string Status, string IdentityToken);
