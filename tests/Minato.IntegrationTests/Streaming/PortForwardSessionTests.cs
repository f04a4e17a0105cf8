using System.Net;
using System.Net.Sockets;
using System.Text;
using Minato.Cri.Streaming;
using Minato.Engine.Linux.Namespaces;
using Minato.Engine.Monitor;

namespace Minato.IntegrationTests.Streaming;

/// <summary>Port-forward into a pinned network namespace where busybox httpd listens on its loopback only.</summary>
public sealed class PortForwardSessionTests(RuncContainers containers) : IClassFixture<RuncContainers>, IAsyncLifetime
{
    private const int HttpPort = 8080;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly LinuxNamespaces _namespaces = new();
    private string _netns = null!;
    private ContainerLaunch _server = null!;
    private LoopbackDialer _dialer = null!;

    public async Task InitializeAsync()
    {
        _netns = Path.Combine(containers.Directory, "netns-" + Guid.NewGuid().ToString("N")[..8]);
        await _namespaces.PinNewAsync(new NamespaceRequest(new Dictionary<NamespaceKind, string> { [NamespaceKind.Net] = _netns }, null), CancellationToken.None);
        _server = await containers.StartAsync(["httpd", "-f", "-p", $"127.0.0.1:{HttpPort}", "-h", "/etc"], netns: _netns);
        _dialer = new LoopbackDialer(_namespaces);
        await WaitForListenerAsync();
    }

    public async Task DisposeAsync()
    {
        await containers.KillAsync(_server);
        _namespaces.Unpin(_netns);
    }

    [Fact]
    public async Task RunAsync_HttpRequestThenHalfClose_ResponseComesBackAndTheSessionEnds()
    {
        var (client, connection) = await ConnectedPairAsync();
        using (client)
        await using (connection)
        {
            var session = PortForwardSession.RunAsync(_dialer, "test-pod", _netns, HttpPort, connection, CancellationToken.None);

            await client.SendAsync("GET /passwd HTTP/1.0\r\n\r\n"u8.ToArray());
            client.Shutdown(SocketShutdown.Send);

            // The session ends when httpd closes its side; closing the client's stream is the server's job.
            await session.WaitAsync(Timeout);
            connection.Close();
            var response = await ReadToEndAsync(client);
            Assert.StartsWith("HTTP/1.", response, StringComparison.Ordinal);
            Assert.Contains(" 200 ", response, StringComparison.Ordinal);
            Assert.Contains("root:x:0:0", response, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunAsync_NothingListens_ThrowsNamingThePortAndThePod()
    {
        var (client, connection) = await ConnectedPairAsync();
        using (client)
        await using (connection)
        {
            var e = await Assert.ThrowsAsync<PortForwardException>(() => PortForwardSession.RunAsync(_dialer, "test-pod", _netns, HttpPort + 1, connection, CancellationToken.None));

            Assert.Equal($"connection refused on port {HttpPort + 1} in pod test-pod", e.Message);
        }
    }

    [Fact]
    public async Task ConnectAsync_PortOnlyInsideTheNamespace_IsNotReachableFromTheHost()
    {
        using var host = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        // Proves the dialer really entered the namespace: the host's own loopback has nothing on this port.
        await Assert.ThrowsAsync<SocketException>(() => host.ConnectAsync(new IPEndPoint(IPAddress.Loopback, HttpPort)));
        using var inside = await _dialer.ConnectAsync(_netns, HttpPort, CancellationToken.None);
        Assert.True(inside.Connected);
    }

    private async Task WaitForListenerAsync()
    {
        for (var i = 0; ; i++)
        {
            try
            {
                using var probe = await _dialer.ConnectAsync(_netns, HttpPort, CancellationToken.None);
                return;
            }
            catch (SocketException) when (i < 250)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>A TCP connection within the test process: the client's end and the stream the session gets.</summary>
    private static async Task<(Socket Client, NetworkStream Connection)> ConnectedPairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        var accepted = await listener.AcceptSocketAsync();
        return (client, new NetworkStream(accepted, ownsSocket: true));
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer).WaitAsync(Timeout)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString();
    }
}
