using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Minato.Streaming.Http2;
using static Minato.Tests.Streaming.Http2.Http2TestBytes;

namespace Minato.Tests.Streaming.Http2;

/// <summary>A real Kestrel on a Unix socket, driven by a hand-written HTTP/2 client as old grpc-go behaves.</summary>
public sealed class AuthorityRewriteEndToEndTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("minato-h2-").FullName;

    private string SocketPath => Path.Combine(_directory, "x.sock");

    [Fact]
    public async Task UseAuthorityRewrite_SocketPathAuthority_RequestsSucceedWithLocalhost()
    {
        await using var server = await StartServerAsync(rewrite: true);
        using var client = await ConnectAsync();

        // As kubelet and crictl before 1.30 do: :authority is the socket path, added to the dynamic
        // table; the second request refers to that entry by index 62.
        await client.SendAsync(Concat(
            Preface,
            Frame(Settings, 0, 0, []),
            Frame(Headers, EndHeaders | EndStream, 1, RequestBlock(SocketPath)),
            Frame(Headers, EndHeaders | EndStream, 3, Hex("82 86 84 be"))));
        var responses = await ReadResponsesAsync(client, [1, 3]);

        Assert.Equal("localhost", responses[1].Body);
        Assert.Equal("localhost", responses[3].Body);
        Assert.All(responses.Values, response => Assert.Null(response.ResetCode));
    }

    [Fact]
    public async Task Kestrel_SocketPathAuthorityWithoutRewrite_ResetsStream()
    {
        await using var server = await StartServerAsync(rewrite: false);
        using var client = await ConnectAsync();

        await client.SendAsync(Concat(
            Preface,
            Frame(Settings, 0, 0, []),
            Frame(Headers, EndHeaders | EndStream, 1, RequestBlock(SocketPath))));
        var responses = await ReadResponsesAsync(client, [1]);

        Assert.Equal(1, responses[1].ResetCode); // PROTOCOL_ERROR: invalid Host
        Assert.Equal("", responses[1].Body);
    }

    [Fact]
    public async Task UseAuthorityRewrite_MalformedHeaderBlock_ClosesConnection()
    {
        await using var server = await StartServerAsync(rewrite: true);
        using var client = await ConnectAsync();

        await client.SendAsync(Concat(Preface, Frame(Settings, 0, 0, []), Frame(Headers, EndHeaders, 1, Hex("80"))));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        while (await client.ReceiveAsync(buffer, timeout.Token) > 0)
        {
            // Drain SETTINGS and possibly GOAWAY until the server closes the socket.
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<WebApplication> StartServerAsync(bool rewrite)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options => options.ListenUnixSocket(SocketPath, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (rewrite)
            {
                listen.UseAuthorityRewrite();
            }
        }));
        var app = builder.Build();
        app.Run(context => context.Response.WriteAsync(context.Request.Host.Value ?? ""));
        await app.StartAsync();
        return app;
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
        return socket;
    }

    /// <summary>Reads frames until every stream in <paramref name="streamIds"/> has ended or been reset.</summary>
    private static async Task<Dictionary<int, Response>> ReadResponsesAsync(Socket socket, int[] streamIds)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var responses = streamIds.ToDictionary(id => id, _ => new Response());
        while (responses.Values.Any(response => !response.Ended))
        {
            var header = await ReceiveExactlyAsync(socket, 9, timeout.Token);
            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            var (type, flags) = (header[3], header[4]);
            var streamId = ((header[5] & 0x7F) << 24) | (header[6] << 16) | (header[7] << 8) | header[8];
            var payload = await ReceiveExactlyAsync(socket, length, timeout.Token);
            Assert.NotEqual(GoAway, type);

            if (type == Settings && (flags & Ack) == 0)
            {
                await socket.SendAsync(Frame(Settings, Ack, 0, []));
            }
            else if (responses.TryGetValue(streamId, out var response))
            {
                if (type == Data)
                {
                    response.Body += Encoding.ASCII.GetString(payload);
                }
                else if (type == RstStream)
                {
                    response.ResetCode = (payload[0] << 24) | (payload[1] << 16) | (payload[2] << 8) | payload[3];
                }

                response.Ended |= type == RstStream || ((type is Data or Headers) && (flags & EndStream) != 0);
            }
        }

        return responses;
    }

    private static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        for (var received = 0; received < count;)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(received), cancellationToken);
            Assert.True(read > 0, "The server closed the connection.");
            received += read;
        }

        return buffer;
    }

    private sealed class Response
    {
        public string Body { get; set; } = "";

        public int? ResetCode { get; set; }

        public bool Ended { get; set; }
    }
}
