using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;
using Minato.Testing.Streaming;

namespace Minato.IntegrationTests.Streaming;

/// <summary>busybox httpd in a container of the shared pod, on the pod's loopback only (so only a port-forward,
/// which dials from inside the pod's network namespace, reaches it), and HTTP GETs through port-forward.</summary>
public sealed class PodHttpd(ContainerPodFixture pod, string containerId) : IAsyncDisposable
{
    public const int Port = 8080;

    /// <summary>What <c>GET /</c> answers.</summary>
    public const string Page = "hello from the pod";

    public string ContainerId => containerId;

    public static async Task<PodHttpd> StartAsync(ContainerPodFixture pod, string name)
    {
        var id = await pod.CreateAsync(ContainerPodFixture.Config(name, "sh", "-c",
            $"mkdir -p /www && echo '{Page}' > /www/index.html && exec httpd -f -p 127.0.0.1:{Port} -h /www"));
        await pod.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        var httpd = new PodHttpd(pod, id);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if ((await httpd.GetAsync(Port)).Error.Length == 0)
            {
                return httpd;
            }

            await Task.Delay(100);
        }

        await httpd.DisposeAsync();
        throw new TimeoutException("httpd never listened in the pod");
    }

    /// <summary>One port-forward session over SPDY with one request: GET / on <paramref name="port"/>; returns the
    /// data stream's and the error stream's text.</summary>
    public async Task<(string Data, string Error)> GetAsync(int port)
    {
        var url = (await pod.Runtime.PortForwardAsync(new PortForwardRequest { PodSandboxId = pod.PodId, Port = { port } })).Url;
        await using var client = await SpdyTestClient.ConnectAsync(new Uri(url), ["portforward.k8s.io"]);
        var error = await client.OpenStreamAsync("error", ("port", $"{port}"), ("requestid", "0"));
        var data = await client.OpenStreamAsync("data", ("port", $"{port}"), ("requestid", "0"));
        await data.WriteAsync("GET / HTTP/1.0\r\n\r\n");
        var timeout = TimeSpan.FromSeconds(30);
        return (await data.ReadTextToEndAsync().WaitAsync(timeout), await error.ReadTextToEndAsync().WaitAsync(timeout));
    }

    public async ValueTask DisposeAsync() =>
        await pod.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = containerId });
}
