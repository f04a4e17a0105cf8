using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Minato.Docker.Containers;
using Minato.Docker.Http;

namespace Minato.Docker.Networks;

/// <summary><c>POST /networks/{id}/connect</c> and <c>/disconnect</c>: a container joins or leaves a network, live when it runs.</summary>
public sealed class NetworkConnectRoutes(DockerContainers containers) : IDockerRoutes
{
    /// <summary>Largest body read; a connect request with aliases is well under a kilobyte.</summary>
    public const long MaxBody = 64 * 1024;

    public IEnumerable<DockerRoute> Routes() =>
    [
        new(HttpMethods.Post, "/networks/{id}/connect", ConnectAsync, MaxBody),
        new(HttpMethods.Post, "/networks/{id}/disconnect", DisconnectAsync, MaxBody),
    ];

    private async Task ConnectAsync(DockerRequest request)
    {
        var body = await request.ReadJsonAsync(NetworkConnectJson.Default.NetworkConnectRequest, new NetworkConnectRequest());
        var container = containers.Get(Required(body.Container));
        await containers.ConnectAsync(container, request.Route("id"), body.EndpointConfig, request.Aborted);
        await request.WriteStatusAsync(StatusCodes.Status200OK);
    }

    private async Task DisconnectAsync(DockerRequest request)
    {
        var body = await request.ReadJsonAsync(NetworkConnectJson.Default.NetworkDisconnectRequest, new NetworkDisconnectRequest());
        var container = containers.Get(Required(body.Container));
        await containers.DisconnectAsync(container, request.Route("id"), request.Aborted);
        await request.WriteStatusAsync(StatusCodes.Status200OK);
    }

    private static string Required(string? container) =>
        container is { Length: > 0 } ? container : throw DockerApiException.BadRequest("Container is required: give the container's name or id");
}

/// <summary>The body of <c>POST /networks/{id}/connect</c>.</summary>
public sealed record NetworkConnectRequest
{
    public string? Container { get; init; }

    public EndpointSettings? EndpointConfig { get; init; }
}

/// <summary>The body of <c>POST /networks/{id}/disconnect</c>; <c>Force</c> is accepted and changes nothing here.</summary>
public sealed record NetworkDisconnectRequest
{
    public string? Container { get; init; }

    public bool Force { get; init; }
}

/// <summary>Source-generated JSON for the connect and disconnect bodies.</summary>
[JsonSerializable(typeof(NetworkConnectRequest))]
[JsonSerializable(typeof(NetworkDisconnectRequest))]
public sealed partial class NetworkConnectJson : JsonSerializerContext;
