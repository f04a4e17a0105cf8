using System.Net;
using System.Net.Sockets;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Docker;
using Minato.IntegrationTests.Images;
using Minato.Testing;
using Minato.Testing.Metrics;

namespace Minato.IntegrationTests.Daemon;

/// <summary>A daemon with <c>[metrics] address</c> set, scraped after a few CRI and Docker API calls and a pull.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Scrape_AfterCriDockerCallsAndAPull_ParsesWithTheMetricsPresent()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multilayer);
        await using var registry = new MisbehavingRegistry(image);
        var home = Directory.CreateTempSubdirectory("minato-it-metrics-").FullName;
        var address = $"127.0.0.1:{FreePort()}";
        var config = Path.Combine(home, "minato.toml");
        await File.WriteAllTextAsync(config, $"[metrics]\naddress = \"{address}\"\n");

        await using var daemon = await MinatoDaemon.StartWithDockerApiAsync("--config", config);
        using var docker = new DockerClient(daemon);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{address}/") };

        await daemon.Runtime.VersionAsync(new VersionRequest());
        await daemon.Runtime.VersionAsync(new VersionRequest());
        await daemon.Runtime.ListContainersAsync(new ListContainersRequest());
        await daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest());
        await Assert.ThrowsAnyAsync<Grpc.Core.RpcException>(async () =>
            await daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = "no-such-container" }));
        await daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = $"{registry.Host}/metrics/multilayer:1" } });
        var (status, _, _) = await docker.SendAsync(HttpMethod.Get, "/v1.43/containers/no-such-container/json");
        Assert.Equal(404, status);
        await docker.SendAsync(HttpMethod.Get, "/_ping");

        using var response = await http.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var families = PrometheusText.Parse(await response.Content.ReadAsStringAsync());

        var cri = families["minato_cri_requests_total"];
        Assert.Equal("counter", cri.Type);
        Assert.True(Sample(cri, ("method", "RuntimeService/Version"), ("code", "OK")).Value >= 2);
        Assert.Equal(1, Sample(cri, ("method", "ImageService/PullImage"), ("code", "OK")).Value);
        Assert.Equal(1, Sample(cri, ("method", "RuntimeService/ContainerStatus"), ("code", "NotFound")).Value);
        Assert.Equal("histogram", families["minato_cri_request_duration_seconds"].Type);
        Assert.True(families["minato_cri_request_duration_seconds"].Samples
            .Single(s => s.Name == "minato_cri_request_duration_seconds_count" && s.Has(("method", "RuntimeService/Version"), ("code", "OK"))).Value >= 2);

        var dockerRequests = families["minato_docker_requests_total"];
        Assert.Equal(1, Sample(dockerRequests, ("method", "GET"), ("route", "/containers/{id}/json"), ("code", "404")).Value);
        Assert.DoesNotContain(dockerRequests.Samples, s => s.Labels["route"].Contains("no-such-container", StringComparison.Ordinal));

        Assert.Equal(1, Sample(families["minato_image_pulls_total"], ("result", "success")).Value);
        Assert.Equal(0, Assert.Single(families["minato_image_pulls_in_flight"].Samples).Value);
        Assert.True(Assert.Single(families["minato_image_pull_bytes_total"].Samples).Value > 0);
        Assert.Equal(1, families["minato_image_pull_duration_seconds"].Samples.Single(s => s.Name.EndsWith("_count", StringComparison.Ordinal)).Value);
        Assert.Equal(image.Manifest().Layers.Count,
            families["minato_layer_unpack_duration_seconds"].Samples.Single(s => s.Name.EndsWith("_count", StringComparison.Ordinal)).Value);

        Assert.Equal(0, Sample(families["minato_pods"], ("state", "ready")).Value);
        Assert.Equal(0, Sample(families["minato_containers"], ("owner", "cri"), ("state", "running")).Value);
        Assert.Equal(0, Assert.Single(families["minato_conmon_processes"].Samples).Value);
        Assert.True(Assert.Single(families["minato_content_store_bytes"].Samples).Value > 0);
        Assert.True(Assert.Single(families["minato_snapshot_bytes"].Samples).Value > 0);
        Assert.True(Assert.Single(families["minato_database_bytes"].Samples).Value > 0);
        Assert.True(Assert.Single(families["process_working_set_bytes"].Samples).Value > 0);
        Assert.Contains("process_cpu_seconds_total", families.Keys);

        // The listener serves the metrics and nothing else.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("_ping")).StatusCode);
    }

    [Fact]
    public async Task Start_MetricsAddressInUse_StopsNamingTheKey()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var address = $"127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var e = await Assert.ThrowsAnyAsync<Exception>(async () => await MinatoDaemon.StartAsync("--metrics-address", address));

        Assert.Contains("metrics.address", e.Message, StringComparison.Ordinal);
    }

    private static PrometheusSample Sample(PrometheusFamily family, params (string Name, string Value)[] labels) =>
        Assert.Single(family.Samples, s => s.Has(labels));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
