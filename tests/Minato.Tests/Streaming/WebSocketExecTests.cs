using System.Net.WebSockets;
using System.Text;
using Minato.Streaming;
using Minato.Testing.Streaming;

namespace Minato.Tests.Streaming;

public sealed class WebSocketExecTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("v5.channel.k8s.io", false)]
    [InlineData("v4.channel.k8s.io", false)]
    [InlineData("v4.base64.channel.k8s.io", true)]
    [InlineData("channel.k8s.io", false)]
    [InlineData("base64.channel.k8s.io", true)]
    public async Task Exec_EverySubprotocol_NegotiatesAndReportsTheExitCode(string protocol, bool base64)
    {
        await using var server = await StreamingServerFixture.StartAsync();
        using var socket = await ConnectAsync(server.Exec(stdin: false, command: ["exit", "4"]), protocol);
        Assert.Equal(protocol, socket.SubProtocol);

        var channels = await new WebSocketTestChannels(socket, base64).ReadUntilCloseAsync().WaitAsync(Timeout);

        Assert.Equal("out", Encoding.UTF8.GetString(channels[1]));
        Assert.Equal("err", Encoding.UTF8.GetString(channels[2]));
        var status = Encoding.UTF8.GetString(channels[3]);
        Assert.Contains(protocol.StartsWith('v') ? "\"NonZeroExitCode\"" : "exit status 4", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_V5CloseChannel_EndsStdinAndTheCommandFinishes()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        using var socket = await ConnectAsync(server.Exec(stderr: false, command: "echo"), "v5.channel.k8s.io");
        var channels = new WebSocketTestChannels(socket);

        await channels.SendAsync(0, "round trip"u8.ToArray());
        await channels.SendAsync(255, [0]);
        var received = await channels.ReadUntilCloseAsync().WaitAsync(Timeout);

        Assert.Equal("round trip", Encoding.UTF8.GetString(received[1]));
        Assert.Contains("Success", Encoding.UTF8.GetString(received[3]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_ResizeChannel_DeliversSizesToTheCore()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        using var socket = await ConnectAsync(server.Exec(tty: true, stdin: false, stderr: false, command: ["resize", "1"]), "v5.channel.k8s.io");
        var channels = new WebSocketTestChannels(socket);

        await channels.SendAsync(4, "{\"Width\":100,\"Height\":30}"u8.ToArray());
        var received = await channels.ReadUntilCloseAsync().WaitAsync(Timeout);

        Assert.Equal("100x30\n", Encoding.UTF8.GetString(received[1]));
    }

    [Fact]
    public async Task Exec_ClientDisconnects_CancelsTheSession()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        var socket = await ConnectAsync(server.Exec(stdin: false, stderr: false, command: "hang"), "v5.channel.k8s.io");

        socket.Abort();
        socket.Dispose();

        Assert.True(await server.Core.Cancelled.Task.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Exec_NoMessageForTheIdleTimeout_EndsTheSessionAndCancelsTheCommand()
    {
        await using var server = await StreamingServerFixture.StartAsync(IdleAfter(TimeSpan.FromMilliseconds(300)));
        using var socket = await ConnectAsync(server.Exec(stdin: false, stderr: false, command: "hang"), "v5.channel.k8s.io");

        var received = await new WebSocketTestChannels(socket).ReadUntilCloseAsync().WaitAsync(Timeout);

        Assert.True(await server.Core.Cancelled.Task.WaitAsync(Timeout));
        Assert.Empty(received);
    }

    [Fact]
    public async Task Exec_MessagesMoreOftenThanTheIdleTimeout_KeepTheSessionOpen()
    {
        await using var server = await StreamingServerFixture.StartAsync(IdleAfter(TimeSpan.FromSeconds(1)));
        using var socket = await ConnectAsync(server.Exec(stderr: false, command: "echo"), "v5.channel.k8s.io");
        var channels = new WebSocketTestChannels(socket);

        // Five echoes 300 ms apart outlast the idle timeout; each message restarts its clock.
        for (var i = 0; i < 5; i++)
        {
            await channels.SendAsync(0, [(byte)('0' + i)]);
            var (channel, data) = await channels.ReceiveAsync().WaitAsync(Timeout);
            Assert.Equal((byte)1, channel);
            Assert.Equal([(byte)('0' + i)], data);
            await Task.Delay(300);
        }

        await channels.SendAsync(255, [0]);
        var rest = await channels.ReadUntilCloseAsync().WaitAsync(Timeout);
        Assert.Contains("Success", Encoding.UTF8.GetString(rest[3]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_UnsupportedSubprotocol_IsRefused()
    {
        await using var server = await StreamingServerFixture.StartAsync();

        await Assert.ThrowsAnyAsync<WebSocketException>(() => ConnectAsync(server.Exec(command: "echo"), "v9.channel.k8s.io"));
    }

    private static StreamingOptions IdleAfter(TimeSpan idle) =>
        new() { StreamCreationTimeout = TimeSpan.FromSeconds(5), IdleTimeout = idle };

    private static async Task<ClientWebSocket> ConnectAsync(Uri url, string protocol)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(protocol);
        await socket.ConnectAsync(new UriBuilder(url) { Scheme = "ws" }.Uri, CancellationToken.None);
        return socket;
    }
}
