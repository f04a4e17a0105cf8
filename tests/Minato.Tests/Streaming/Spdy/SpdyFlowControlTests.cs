using System.Net;
using System.Net.Sockets;
using System.Text;
using Minato.Streaming.Spdy;
using Minato.Testing.Streaming;

namespace Minato.Tests.Streaming.Spdy;

/// <summary>The server's side of SPDY flow control, on a <see cref="SpdyConnection"/> the test holds, so it can
/// see whether a write ever waited for the client's window.</summary>
public sealed class SpdyFlowControlTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SendData_ClientThatNeverSentSettingsOrWindowUpdate_GetsOneMebibyteWithoutWaiting()
    {
        await using var server = await LoopbackServer.StartAsync();
        var connecting = SpdyTestClient.ConnectAsync(server.Url, []);
        await using var connection = await server.AcceptAsync();
        await using var client = await connecting.WaitAsync(Timeout);
        var stdout = await client.OpenStreamAsync("stdout");
        var stream = await connection.IncomingStreams.ReadAsync().AsTask().WaitAsync(Timeout);
        await stream.ReplyAsync(CancellationToken.None);

        // Sixteen times the default window, which a client like Go's spdystream never returns.
        var sending = SendAsync(stream, 1024 * 1024);
        var received = await stdout.ReadToEndAsync().WaitAsync(Timeout);
        await sending.WaitAsync(Timeout);

        Assert.Equal(1024 * 1024, received.Length);
        Assert.Equal(0, connection.WindowWaits);
    }

    [Fact]
    public async Task SendData_ClientThatAnnouncedAWindow_IsHeldToItUntilItReturnsWindow()
    {
        await using var server = await LoopbackServer.StartAsync();
        var connecting = SpdyTestClient.ConnectAsync(server.Url, [], initialWindow: 16384);
        await using var connection = await server.AcceptAsync();
        await using var client = await connecting.WaitAsync(Timeout);
        var stdout = await client.OpenStreamAsync("stdout");
        var stream = await connection.IncomingStreams.ReadAsync().AsTask().WaitAsync(Timeout);
        await stream.ReplyAsync(CancellationToken.None);

        var sending = SendAsync(stream, 65536);
        for (var waited = 0; (connection.WindowWaits == 0 || stdout.ReceivedBytes < 16384) && waited < 1000; waited++)
        {
            await Task.Delay(10);
        }

        // The writer is waiting, so nothing past the announced window is on its way.
        Assert.True(connection.WindowWaits > 0, "the writer never waited for window");
        Assert.Equal(16384, stdout.ReceivedBytes);
        Assert.Equal(65536, (await stdout.ReadToEndAsync().WaitAsync(Timeout)).Length);
        await sending.WaitAsync(Timeout);
    }

    private static async Task SendAsync(SpdyStream stream, int length)
    {
        await stream.WriteAsync(new byte[length], CancellationToken.None);
        await stream.CloseAsync(CancellationToken.None);
    }

    /// <summary>A TCP listener that answers one HTTP upgrade with 101 and runs a <see cref="SpdyConnection"/> on it.</summary>
    private sealed class LoopbackServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Task> _running = [];

        public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

        public static Task<LoopbackServer> StartAsync()
        {
            var server = new LoopbackServer();
            server._listener.Start();
            return Task.FromResult(server);
        }

        public async Task<SpdyConnection> AcceptAsync()
        {
            var socket = await _listener.AcceptSocketAsync().WaitAsync(Timeout);
            var transport = new NetworkStream(socket, ownsSocket: true);
            var request = new StringBuilder();
            var one = new byte[1];
            while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await transport.ReadAsync(one) == 1)
            {
                request.Append((char)one[0]);
            }

            await transport.WriteAsync("HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nConnection: Upgrade\r\n\r\n"u8.ToArray());
            var connection = new SpdyConnection(transport, TimeSpan.FromMinutes(1));
            _running.Add(connection.RunAsync(CancellationToken.None));
            return connection;
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await Task.WhenAll(_running).WaitAsync(Timeout);
        }
    }
}
