using System.Text.RegularExpressions;
using Minato.IntegrationTests.Containers;

namespace Minato.IntegrationTests.Streaming;

/// <summary>Real kubectl port-forward over SPDY, through a fake API server proxying like the kubelet, to busybox httpd
/// on the pod's loopback, fetched with HttpClient.</summary>
[Collection(SharedContainerPod.Name)]
public sealed partial class KubectlPortForwardTests(ContainerPodFixture pod) : IAsyncLifetime
{
    /// <summary>Forces SPDY on kubectl 1.31+, which would tunnel SPDY in a WebSocket only an API server unwraps.</summary>
    private static readonly Dictionary<string, string> Spdy = new() { ["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = "false" };

    private PodHttpd _httpd = null!;
    private FakeApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _httpd = await PodHttpd.StartAsync(pod, "kubectl-forward-httpd");
        _server = FakeApiServer.Start(call => KubeletStreaming.UrlAsync(pod.Runtime, pod.PodId, _httpd.ContainerId, call));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _httpd.DisposeAsync();
    }

    [SkippableTheory]
    [InlineData("kubectl.1.27")]
    [InlineData("kubectl.1.33")]
    [InlineData("kubectl")]
    public async Task PortForwardSpdy_TwoHttpGets_ReturnThePodsPage(string binary)
    {
        var path = Kubectl.Find(binary);
        Skip.If(path is null, $"no {binary} on PATH or in the Google Cloud SDK");
        using var kubectl = new Kubectl(path!, _server.BaseUri);
        using var process = kubectl.Start(Spdy, stdin: false, "port-forward", "--address=127.0.0.1", "web", $":{PodHttpd.Port}");
        try
        {
            var port = await ForwardedPortAsync(process).WaitAsync(TimeSpan.FromSeconds(30));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

            // Two requests: each is a new pair of streams in the one SPDY session.
            Assert.Equal(PodHttpd.Page + "\n", await http.GetStringAsync($"http://127.0.0.1:{port}/"));
            Assert.Equal(PodHttpd.Page + "\n", await http.GetStringAsync($"http://127.0.0.1:{port}/index.html"));
            Assert.Equal(["SPDY/3.1"], _server.Upgrades);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>The local port from kubectl's "Forwarding from 127.0.0.1:PORT -> 8080" line.</summary>
    private static async Task<int> ForwardedPortAsync(System.Diagnostics.Process process)
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (Forwarding().Match(line) is { Success: true } match)
            {
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"kubectl port-forward ended without forwarding: {await process.StandardError.ReadToEndAsync()}");
    }

    [GeneratedRegex(@"^Forwarding from 127\.0\.0\.1:(\d+) -> ")]
    private static partial Regex Forwarding();
}
