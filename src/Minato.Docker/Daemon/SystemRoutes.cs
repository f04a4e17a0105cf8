using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;

namespace Minato.Docker.Daemon;

/// <summary><c>/_ping</c> and <c>/version</c>: what clients ask first to pick an API version.</summary>
public sealed class SystemRoutes : IDockerRoutes
{
    public IEnumerable<DockerRoute> Routes() =>
    [
        new(HttpMethods.Get, "/_ping", PingAsync, 0),
        new(HttpMethods.Head, "/_ping", PingAsync, 0),
        new(HttpMethods.Get, "/version", VersionAsync, 0),
    ];

    // dockerd: the headers carry the negotiation (API-Version), the body is "OK"; HEAD sends the headers only.
    private static async Task PingAsync(DockerRequest request)
    {
        var response = request.Http.Response;
        response.Headers["Builder-Version"] = "1";
        response.Headers.CacheControl = "no-cache, no-store, must-revalidate";
        response.Headers.Pragma = "no-cache";
        response.ContentType = "text/plain; charset=utf-8";
        response.StatusCode = StatusCodes.Status200OK;
        if (HttpMethods.IsHead(request.Http.Request.Method))
        {
            response.ContentLength = 0;
            return;
        }

        await response.WriteAsync("OK", request.Aborted);
    }

    private static Task VersionAsync(DockerRequest request)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ApiVersion"] = ApiVersion.Current.ToString(),
            ["MinAPIVersion"] = ApiVersion.Minimum.ToString(),
            ["Os"] = "linux",
            ["Arch"] = HostFigures.GoArch,
            ["KernelVersion"] = HostFigures.KernelVersion,
        };
        return request.WriteJsonAsync(new VersionResponse
        {
            Platform = new VersionPlatform($"Minato {ProductInfo.Version}"),
            Components = [new VersionComponent("Engine", ProductInfo.Version, details)],
            Version = ProductInfo.Version,
            ApiVersion = ApiVersion.Current.ToString(),
            MinAPIVersion = ApiVersion.Minimum.ToString(),
            Os = "linux",
            Arch = HostFigures.GoArch,
            KernelVersion = HostFigures.KernelVersion,
        }, DockerJson.Default.VersionResponse);
    }
}
