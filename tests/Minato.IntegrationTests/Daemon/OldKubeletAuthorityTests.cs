using System.Text.Json;
using Minato.Testing;

namespace Minato.IntegrationTests.Daemon;

/// <summary>
/// kubelet and crictl before 1.30 send the socket path as the HTTP/2 :authority. The client here is Node's
/// HTTP/2 stack (nghttp2): an HPACK encoder independent of Minato's, with Huffman coding and a dynamic table.
/// </summary>
public sealed class OldKubeletAuthorityTests : IAsyncLifetime
{
    // Two unary gRPC calls on one connection: the second one's :authority comes from the client's dynamic table.
    private const string Client = """
        const http2 = require('http2');
        const net = require('net');
        const socket = process.argv[1];
        const authority = process.argv[2];
        const session = http2.connect('http://localhost', { createConnection: () => net.connect(socket) });
        session.on('error', e => { console.log(JSON.stringify({ error: 'session: ' + e.message })); process.exit(0); });
        function call(path) {
          return new Promise(resolve => {
            const req = session.request({ ':method': 'POST', ':path': path, ':authority': authority, ':scheme': 'http',
              'content-type': 'application/grpc', 'te': 'trailers', 'user-agent': 'grpc-go/1.40.0' });
            const chunks = []; let headers = {}; let trailers = {};
            req.on('response', h => { headers = h; });
            req.on('trailers', t => { trailers = t; });
            req.on('data', c => chunks.push(c));
            req.on('error', e => resolve({ error: 'stream: ' + e.message }));
            req.on('close', () => resolve({ status: headers[':status'], grpcStatus: trailers['grpc-status'] ?? headers['grpc-status'],
              grpcMessage: trailers['grpc-message'] ?? headers['grpc-message'], body: Buffer.concat(chunks).toString('latin1'),
              rstCode: req.rstCode }));
            req.end(Buffer.from([0, 0, 0, 0, 0]));
          });
        }
        (async () => {
          const first = await call('/runtime.v1.RuntimeService/Version');
          const second = await call('/runtime.v1.RuntimeService/Version');
          const third = await call('/runtime.v1.RuntimeService/Status');
          console.log(JSON.stringify({ first, second, third }));
          session.close();
        })();
        """;

    private MinatoDaemon _daemon = null!;

    public async Task InitializeAsync() => _daemon = await MinatoDaemon.StartAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task UnaryCalls_SocketPathAsAuthority_AreServed()
    {
        var result = await RunClientAsync(_daemon.SocketPath, _daemon.SocketPath);

        foreach (var name in new[] { "first", "second", "third" })
        {
            var call = result.GetProperty(name);
            Assert.False(call.TryGetProperty("error", out var error), $"{name}: {error}\n{_daemon.Output}");
            Assert.Equal(200, call.GetProperty("status").GetInt32());
            Assert.Equal("0", call.GetProperty("grpcStatus").GetString());
        }

        Assert.Contains("minato", result.GetProperty("first").GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Contains("minato", result.GetProperty("second").GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Contains("RuntimeReady", result.GetProperty("third").GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnaryCalls_OrdinaryAuthority_AreServedToo()
    {
        var result = await RunClientAsync(_daemon.SocketPath, "localhost");

        Assert.Equal("0", result.GetProperty("second").GetProperty("grpcStatus").GetString());
    }

    private static async Task<JsonElement> RunClientAsync(string socket, string authority)
    {
        var run = await CommandResult.RunAsync("node", ["-e", Client, socket, authority], TimeSpan.FromSeconds(30));
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonDocument.Parse(run.Stdout).RootElement.Clone();
    }
}
