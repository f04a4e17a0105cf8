using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Minato.Docker.Http;

namespace Minato.Tests.Docker.Http;

public sealed class DockerMeterTests : IDisposable
{
    // Other tests drive routers in parallel: measurements are told apart by this test's own route template.
    private readonly string _template = "/meter-test-" + Guid.NewGuid().ToString("N") + "/{id}/start";
    private readonly ConcurrentQueue<(string Instrument, Dictionary<string, string> Tags)> _seen = new();
    private readonly MeterListener _listener = new();

    public DockerMeterTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DockerMeter.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, _, tags, _) => Seen(i, tags));
        _listener.SetMeasurementEventCallback<double>((i, _, tags, _) => Seen(i, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task HandleAsync_MatchedRoute_RecordedWithTheTemplateNotThePath()
    {
        var router = new DockerRouter([new Group(new DockerRoute(HttpMethods.Post, _template, r => r.WriteStatusAsync(204), 0))], NullLogger<DockerRouter>.Instance);

        await SendAsync(router, "POST", "/v1.43" + _template.Replace("{id}", "c0ffee", StringComparison.Ordinal));

        var mine = _seen.Where(s => s.Tags.GetValueOrDefault("route") == _template).ToList();
        Assert.Equal(["minato_docker_request_duration_seconds", "minato_docker_requests_total"], mine.Select(s => s.Instrument).Order(StringComparer.Ordinal));
        Assert.All(mine, s => Assert.Equal(("POST", "204"), (s.Tags["method"], s.Tags["code"])));
        Assert.DoesNotContain(_seen, s => s.Tags.Values.Any(v => v.Contains("c0ffee", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task HandleAsync_NoRouteAndAnOddMethod_RecordedAsUnmatchedAndOther()
    {
        var router = new DockerRouter([new Group()], NullLogger<DockerRouter>.Instance);
        var path = "/" + Guid.NewGuid().ToString("N");

        await SendAsync(router, "BREW", path);

        Assert.Contains(_seen, s => s.Instrument == "minato_docker_requests_total" &&
            s.Tags["route"] == DockerMeter.Unmatched && s.Tags["method"] == "OTHER" && s.Tags["code"] == "404");
        Assert.DoesNotContain(_seen, s => s.Tags.ContainsValue(path));
    }

    private void Seen(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value?.ToString() ?? "";
        }

        _seen.Enqueue((instrument.Name, copy));
    }

    private static async Task SendAsync(DockerRouter router, string method, string path)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        http.Response.Body = new MemoryStream();
        await router.HandleAsync(http);
    }

    private sealed class Group(params DockerRoute[] routes) : IDockerRoutes
    {
        public IEnumerable<DockerRoute> Routes() => routes;
    }
}
