using System.Text.Json;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>The Docker API listener: the real docker CLI against it, version routing, errors, limits, the socket's mode.</summary>
public sealed class DockerApiListenerTests : IAsyncLifetime, IDisposable
{
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;

    public async Task InitializeAsync()
    {
        _daemon = await MinatoDaemon.StartWithDockerApiAsync();
        _docker = new DockerClient(_daemon);
    }

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task DockerVersion_RealCli_ShowsMinatoAndApiVersion()
    {
        var result = await _docker.RunAsync("version");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Server: Minato", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"API version:\s+1\.(4[5-9]|[5-9]\d) \(minimum version 1\.24\)", result.Stdout);
    }

    [Fact]
    public async Task DockerVersion_JsonFormat_ReportsApiAndMinimumVersions()
    {
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Get, "version");

        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("1.24", json.RootElement.GetProperty("MinAPIVersion").GetString());
        Assert.True(Version.Parse(json.RootElement.GetProperty("ApiVersion").GetString()!) >= new Version(1, 45));
        Assert.Equal("linux", json.RootElement.GetProperty("Os").GetString());
    }

    [Fact]
    public async Task Ping_VersionedGetAndHead_OkWithNegotiationHeaders()
    {
        var (status, body, response) = await _docker.SendAsync(HttpMethod.Get, "v1.24/_ping");
        var (headStatus, headBody, head) = await _docker.SendAsync(HttpMethod.Head, "_ping");

        Assert.Equal((200, "OK"), (status, body));
        Assert.Equal((200, ""), (headStatus, headBody));
        foreach (var answer in new[] { response, head })
        {
            Assert.True(answer.Headers.Contains("API-Version"));
            Assert.Equal("linux", answer.Headers.GetValues("OSType").Single());
            Assert.True(answer.Headers.Contains("Builder-Version"));
        }
    }

    [Fact]
    public async Task UnknownVersion_TooNew_400WithMessage()
    {
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Get, "v1.99/version");

        Assert.Equal(400, status);
        using var json = JsonDocument.Parse(body);
        Assert.Contains("client version 1.99 is too new", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPath_404Json()
    {
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Get, "v1.45/no/such/endpoint");

        Assert.Equal(404, status);
        Assert.Equal("page not found", JsonDocument.Parse(body).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task OversizedBody_413Json()
    {
        // Raw, because the daemon answers before the body is sent and HttpClient reports that as a broken pipe.
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(_daemon.DockerSocketPath));
        await using var stream = new System.Net.Sockets.NetworkStream(socket);
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
            "POST /v1.45/_ping HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\n\r\n{\"a\":"));

        var answer = "";
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!answer.Contains("larger than", StringComparison.Ordinal) && await stream.ReadAsync(buffer, timeout.Token) is > 0 and var read)
        {
            answer += System.Text.Encoding.ASCII.GetString(buffer, 0, read);
        }

        var (after, afterBody, _) = await _docker.SendAsync(HttpMethod.Get, "_ping");

        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.Contains("{\"message\":\"request body of 2097152 bytes is larger than", answer, StringComparison.Ordinal);
        Assert.Equal((200, "OK"), (after, afterBody));
    }

    [Fact]
    public void Socket_Created_Mode0660()
    {
        var mode = File.GetUnixFileMode(_daemon.DockerSocketPath);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, mode);
    }

    [Fact]
    public async Task CriService_OnTheDockerSocket_NotServed()
    {
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Post, "runtime.v1.RuntimeService/Version", new ByteArrayContent([0, 0, 0, 0, 0]));
        var version = await _daemon.Runtime.VersionAsync(new Minato.Cri.Api.V1.VersionRequest());

        Assert.Equal(404, status);
        Assert.Equal("page not found", JsonDocument.Parse(body).RootElement.GetProperty("message").GetString());
        Assert.Equal("minato", version.RuntimeName);
    }

    [Fact]
    public async Task DockerRoutes_OnTheCriSocket_NotServed()
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(_daemon.SocketPath), cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://cri/_ping") { Version = System.Net.HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await http.SendAsync(request);

        Assert.NotEqual("OK", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("Api-Version"));
    }
}
