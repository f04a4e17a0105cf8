using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Minato.Docker.Http;
using Minato.Engine.Errors;

namespace Minato.Tests.Docker.Http;

public sealed class DockerRouterTests
{
    [Fact]
    public async Task HandleAsync_VersionedPath_ReachesTheRouteWithTheVersion()
    {
        ApiVersion? seen = null;
        var router = Router(new DockerRoute(HttpMethods.Get, "/images/{name*}/json", r =>
        {
            seen = r.Version;
            return r.WriteStatusAsync(200 + r.Route("name").Length);
        }, 0));

        var http = await SendAsync(router, "GET", "/v1.41/images/127.0.0.1:5000/a/b:v1/json");

        Assert.Equal(new ApiVersion(1, 41), seen);
        Assert.Equal(200 + "127.0.0.1:5000/a/b:v1".Length, http.Response.StatusCode);
    }

    [Fact]
    public async Task HandleAsync_UnknownPath_404PageNotFoundJson()
    {
        var http = await SendAsync(Router(), "GET", "/containers/json");

        Assert.Equal(404, http.Response.StatusCode);
        Assert.Equal("page not found", Message(http));
        Assert.Equal("application/json", http.Response.ContentType);
    }

    [Fact]
    public async Task HandleAsync_TooNewVersion_400JsonWithApiVersionHeader()
    {
        var http = await SendAsync(Router(), "GET", "/v9.0/_ping");

        Assert.Equal(400, http.Response.StatusCode);
        Assert.Contains("too new", Message(http), StringComparison.Ordinal);
        Assert.Equal(ApiVersion.Current.ToString(), http.Response.Headers["Api-Version"].ToString());
    }

    [Theory]
    [InlineData(typeof(NotFoundException), 404)]
    [InlineData(typeof(InvalidInputException), 400)]
    [InlineData(typeof(PreconditionException), 409)]
    [InlineData(typeof(AlreadyExistsException), 409)]
    [InlineData(typeof(InvalidOperationException), 500)]
    public async Task HandleAsync_EngineException_MappedStatusAndMessage(Type type, int status)
    {
        var exception = (Exception)Activator.CreateInstance(type, "what went wrong")!;
        var router = Router(new DockerRoute(HttpMethods.Get, "/x", _ => throw exception, 0));

        var http = await SendAsync(router, "GET", "/x");

        Assert.Equal(status, http.Response.StatusCode);
        Assert.Equal("what went wrong", Message(http));
    }

    [Fact]
    public async Task HandleAsync_NotModified_304WithoutBody()
    {
        var router = Router(new DockerRoute(HttpMethods.Post, "/containers/{id}/start", _ => throw DockerApiException.NotModified(), 0));

        var http = await SendAsync(router, "POST", "/containers/abc/start");

        Assert.Equal(304, http.Response.StatusCode);
        Assert.Equal(0, http.Response.Body.Length);
    }

    [Fact]
    public async Task HandleAsync_BodyLargerThanTheRouteTakes_413Json()
    {
        var router = Router(new DockerRoute(HttpMethods.Post, "/auth", r => r.WriteStatusAsync(200), 16));

        var http = await SendAsync(router, "POST", "/auth", new string('x', 17));

        Assert.Equal(413, http.Response.StatusCode);
        Assert.Contains("larger than the 16 bytes", Message(http), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_KnownPathOtherMethod_404AsDockerd()
    {
        var router = Router(new DockerRoute(HttpMethods.Get, "/_ping", r => r.WriteStatusAsync(200), 0));

        Assert.Equal(404, (await SendAsync(router, "DELETE", "/_ping")).Response.StatusCode);
    }

    private static DockerRouter Router(params DockerRoute[] routes) =>
        new([new Group(routes)], NullLogger<DockerRouter>.Instance);

    private static async Task<HttpContext> SendAsync(DockerRouter router, string method, string path, string? body = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        if (body is not null)
        {
            http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
            http.Request.ContentLength = body.Length;
        }

        http.Response.Body = new MemoryStream();
        await router.HandleAsync(http);
        http.Response.Body.Position = 0;
        return http;
    }

    private static string Message(HttpContext http)
    {
        http.Response.Body.Position = 0;
        using var json = JsonDocument.Parse(http.Response.Body);
        return json.RootElement.GetProperty("message").GetString()!;
    }

    private sealed class Group(DockerRoute[] routes) : IDockerRoutes
    {
        public IEnumerable<DockerRoute> Routes() => routes;
    }
}
