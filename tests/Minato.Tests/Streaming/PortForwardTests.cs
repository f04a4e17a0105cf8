using System.Net.WebSockets;
using System.Text;
using Minato.Testing.Streaming;

namespace Minato.Tests.Streaming;

public sealed class PortForwardTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task PortForwardSpdy_DataStream_EchoesThroughTheCore()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        await using var client = await SpdyTestClient.ConnectAsync(server.PortForward(), ["portforward.k8s.io"]);
        Assert.Equal("portforward.k8s.io", client.Protocol);

        var error = await client.OpenStreamAsync("error", ("port", "80"), ("requestid", "0"));
        var data = await client.OpenStreamAsync("data", ("port", "80"), ("requestid", "0"));
        await data.WriteAsync("GET / HTTP/1.0\r\n\r\n", fin: true);

        Assert.Equal("GET / HTTP/1.0\r\n\r\n", await data.ReadTextToEndAsync().WaitAsync(Timeout));
        Assert.Equal("", await error.ReadTextToEndAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task PortForwardSpdy_RefusedPort_ReportsOnTheErrorStream()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        await using var client = await SpdyTestClient.ConnectAsync(server.PortForward(), ["portforward.k8s.io"]);

        var error = await client.OpenStreamAsync("error", ("port", "81"), ("requestid", "1"));
        var data = await client.OpenStreamAsync("data", ("port", "81"), ("requestid", "1"));

        var message = await error.ReadTextToEndAsync().WaitAsync(Timeout);
        Assert.Contains("error forwarding port 81 to pod p1", message, StringComparison.Ordinal);
        Assert.Contains("connection refused", message, StringComparison.Ordinal);
        Assert.Equal("", await data.ReadTextToEndAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task PortForwardSpdy_TwoRequestsOnOneConnection_AreForwardedIndependently()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        await using var client = await SpdyTestClient.ConnectAsync(server.PortForward(80), ["portforward.k8s.io"]);

        await client.OpenStreamAsync("error", ("port", "80"), ("requestid", "a"));
        var first = await client.OpenStreamAsync("data", ("port", "80"), ("requestid", "a"));
        await client.OpenStreamAsync("error", ("port", "80"), ("requestid", "b"));
        var second = await client.OpenStreamAsync("data", ("port", "80"), ("requestid", "b"));
        await second.WriteAsync("two", fin: true);
        await first.WriteAsync("one", fin: true);

        Assert.Equal("one", await first.ReadTextToEndAsync().WaitAsync(Timeout));
        Assert.Equal("two", await second.ReadTextToEndAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task PortForwardWebSocket_PortPrefixThenEcho_AndRefusedPortOnItsErrorChannel()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v4.channel.k8s.io");
        var url = new UriBuilder(server.PortForward()) { Scheme = "ws", Query = "port=80&port=81" }.Uri;
        await socket.ConnectAsync(url, CancellationToken.None);
        var channels = new WebSocketTestChannels(socket);

        // Each channel starts with its port, little-endian: 80 on 0 and 1, 81 on 2 and 3.
        var prefixes = new Dictionary<byte, byte[]>();
        var refused = "";
        while (prefixes.Count < 4 || refused.Length == 0)
        {
            var (channel, data) = await channels.ReceiveAsync().WaitAsync(Timeout);
            if (!prefixes.TryAdd(channel, data) && channel == 3)
            {
                refused = Encoding.UTF8.GetString(data);
            }
        }

        Assert.Equal([80, 0], prefixes[0]);
        Assert.Equal([81, 0], prefixes[3]);
        Assert.Contains("connection refused", refused, StringComparison.Ordinal);

        await channels.SendAsync(0, "hello"u8.ToArray());
        var (echoChannel, echo) = await channels.ReceiveAsync().WaitAsync(Timeout);
        Assert.Equal((0, "hello"), (echoChannel, Encoding.UTF8.GetString(echo)));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task PortForwardWebSocket_NoMessageForTheIdleTimeout_ClosesTheSession()
    {
        await using var server = await StreamingServerFixture.StartAsync(new Minato.Streaming.StreamingOptions { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v4.channel.k8s.io");
        await socket.ConnectAsync(new UriBuilder(server.PortForward()) { Scheme = "ws", Query = "port=80" }.Uri, CancellationToken.None);

        var received = await new WebSocketTestChannels(socket).ReadUntilCloseAsync().WaitAsync(Timeout);

        // Only the two port prefixes, then the close.
        Assert.Equal([(byte)0, (byte)1], received.Keys.Order());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }
}
