using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Minato.Docker.Http;

/// <summary>
/// Dispatches a request of the Docker listener: strips and checks the <c>/vX.Y</c> prefix, finds the route, bounds the
/// body, and turns a failure into dockerd's <c>{"message": "..."}</c> with its status.
/// </summary>
public sealed class DockerRouter
{
    /// <summary>Largest body a route reads unless it says otherwise (JSON bodies: auth, later container create).</summary>
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    private readonly IReadOnlyList<DockerRoute> routes;
    private readonly ILogger<DockerRouter> logger;

    public DockerRouter(IEnumerable<IDockerRoutes> groups, ILogger<DockerRouter> logger)
    {
        ArgumentNullException.ThrowIfNull(groups);
        routes = [.. groups.SelectMany(g => g.Routes())];
        this.logger = logger;
    }

    /// <summary>The routes, for tests and diagnostics.</summary>
    public IReadOnlyList<DockerRoute> Routes => routes;

    /// <summary>Answers one request.</summary>
    public async Task HandleAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var path = http.Request.Path.Value ?? "/";
        SetServerHeaders(http.Response);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        DockerRoute? matched = null;
        try
        {
            var versioned = VersionedPath.Parse(path);
            var found = Find(http.Request.Method, versioned.Route);
            matched = found?.Route;
            var maxBody = found?.Route.MaxBodyBytes ?? DefaultMaxBodyBytes;
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = maxBody;
            }

            // Checked before the route is known to exist, so no path takes an unbounded body.
            if (http.Request.ContentLength > maxBody)
            {
                throw new DockerApiException(StatusCodes.Status413PayloadTooLarge,
                    $"request body of {http.Request.ContentLength} bytes is larger than the {maxBody} bytes this endpoint accepts");
            }

            // dockerd answers an unknown path and a known path with another method alike.
            var (route, values) = found ?? throw DockerApiException.NotFound("page not found");
            await route.Handler(new DockerRequest(http, versioned.Version, values));
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested || e is not OperationCanceledException)
        {
            await FailAsync(http, e);
        }
        finally
        {
            DockerMeter.Record(http.Request.Method, matched, http.Response.StatusCode, started);
        }
    }

    // dockerd sends these on every answer; clients read Api-Version for negotiation even from errors.
    private static void SetServerHeaders(HttpResponse response)
    {
        response.Headers["Server"] = $"Minato/{ProductInfo.Version} (linux)";
        response.Headers["Api-Version"] = ApiVersion.Current.ToString();
        response.Headers["Docker-Experimental"] = "false";
        response.Headers["Ostype"] = "linux";
    }

    private (DockerRoute Route, Dictionary<string, string> Values)? Find(string method, string path)
    {
        foreach (var route in routes)
        {
            if (route.Accepts(method) && route.Match(path) is { } values)
            {
                return (route, values);
            }
        }

        return null;
    }

    private async Task FailAsync(HttpContext http, Exception exception)
    {
        var (status, message) = DockerErrors.Map(exception);
        if (status >= StatusCodes.Status500InternalServerError)
        {
            DockerLog.RequestFailed(logger, exception, http.Request.Method, http.Request.Path.Value ?? "", status);
        }

        if (http.Response.HasStarted)
        {
            // A streamed answer reports its own errors in-band; here the body is cut short so the client sees a failure.
            http.Abort();
            return;
        }

        http.Response.Clear();
        SetServerHeaders(http.Response);
        http.Response.StatusCode = status;
        if (status == StatusCodes.Status304NotModified || HttpMethods.IsHead(http.Request.Method))
        {
            return;
        }

        http.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(http.Response.Body, new ErrorResponse(message), DockerJson.Default.ErrorResponse);
    }
}
