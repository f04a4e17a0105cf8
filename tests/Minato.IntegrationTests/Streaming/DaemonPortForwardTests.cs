using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;
using Minato.Testing.Streaming;

namespace Minato.IntegrationTests.Streaming;

/// <summary>Port-forward through a real daemon into a CNI pod, to an HTTP server bound to the pod's loopback.</summary>
[Collection(SharedContainerPod.Name)]
public sealed class DaemonPortForwardTests(ContainerPodFixture pod) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private PodHttpd _httpd = null!;

    public async Task InitializeAsync() => _httpd = await PodHttpd.StartAsync(pod, "forward-httpd");

    public async Task DisposeAsync() => await _httpd.DisposeAsync();

    [Fact]
    public async Task PortForwardSpdy_HttpGetToThePodsLoopback_ReturnsThePage()
    {
        var (data, error) = await _httpd.GetAsync(PodHttpd.Port);

        Assert.Matches(@"^HTTP/1\.[01] 200 OK", data);
        Assert.EndsWith(PodHttpd.Page + "\n", data, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task PortForwardSpdy_NothingListens_ReportsRefusalOnTheErrorStream()
    {
        var (data, error) = await _httpd.GetAsync(PodHttpd.Port + 1);

        Assert.Equal("", data);
        Assert.Contains($"error forwarding port {PodHttpd.Port + 1} to pod {pod.PodId}", error, StringComparison.Ordinal);
        Assert.Contains("refused", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortForwardWebSocket_HttpGet_ReturnsThePageOnTheDataChannel()
    {
        var url = (await pod.Runtime.PortForwardAsync(new PortForwardRequest { PodSandboxId = pod.PodId, Port = { PodHttpd.Port } })).Url;
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v4.channel.k8s.io");
        await socket.ConnectAsync(new UriBuilder(url) { Scheme = "ws", Query = $"port={PodHttpd.Port}" }.Uri, CancellationToken.None);
        var channels = new WebSocketTestChannels(socket);
        var prefix = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(prefix, PodHttpd.Port);
        var (dataChannel, dataPrefix) = await channels.ReceiveAsync().WaitAsync(Timeout);
        var (errorChannel, errorPrefix) = await channels.ReceiveAsync().WaitAsync(Timeout);
        Assert.Equal(((byte)0, (byte)1), (dataChannel, errorChannel));
        Assert.Equal(prefix, dataPrefix);
        Assert.Equal(prefix, errorPrefix);

        await channels.SendAsync(0, "GET / HTTP/1.0\r\n\r\n"u8.ToArray());
        var received = await channels.ReadUntilCloseAsync().WaitAsync(Timeout);

        var page = Encoding.UTF8.GetString(received[0]);
        Assert.Matches(@"^HTTP/1\.[01] 200 OK", page);
        Assert.EndsWith(PodHttpd.Page + "\n", page, StringComparison.Ordinal);
        Assert.False(received.ContainsKey(1), "the error channel carried a message");
    }
}
