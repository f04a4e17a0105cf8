using System.Net.Http.Headers;
using System.Net.Sockets;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>The real docker CLI and a raw HTTP client, both pointed at a test daemon's Docker API socket.</summary>
public sealed class DockerClient : IDisposable
{
    /// <summary>The docker CLI (28.x on the development machines; Debian 12 has no such version).</summary>
    public const string CliPath = "/usr/local/bin/docker";

    private readonly string _configDirectory;

    public DockerClient(MinatoDaemon daemon)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        Daemon = daemon;
        _configDirectory = Path.Combine(daemon.Directory, "docker-config");
        Directory.CreateDirectory(_configDirectory);
        Http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(daemon.DockerSocketPath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        {
            BaseAddress = new Uri("http://docker/"),
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public MinatoDaemon Daemon { get; }

    /// <summary>The CLI's <c>DOCKER_CONFIG</c> directory (its config.json holds registry credentials).</summary>
    public string ConfigDirectory => _configDirectory;

    /// <summary>HTTP/1.1 over the Docker socket; paths are relative (<c>v1.45/_ping</c>).</summary>
    public HttpClient Http { get; }

    /// <summary>Runs <c>docker ARGS</c> with DOCKER_HOST set to the daemon and a config directory of its own.</summary>
    public Task<CommandResult> RunAsync(params string[] args) =>
        CommandResult.RunAsync(CliPath, args, TimeSpan.FromMinutes(3), new Dictionary<string, string?>
        {
            ["DOCKER_HOST"] = Daemon.DockerHost,
            ["DOCKER_CONFIG"] = _configDirectory,
            ["DOCKER_CONTEXT"] = null,
            ["DOCKER_API_VERSION"] = null,
        });

    /// <summary>Runs <c>docker ARGS</c> as <see cref="RunAsync"/> does, with <paramref name="input"/> on its stdin.</summary>
    public Task<CommandResult> RunWithInputAsync(string input, params string[] args) =>
        CommandResult.RunAsync(CliPath, args, TimeSpan.FromMinutes(3), new Dictionary<string, string?>
        {
            ["DOCKER_HOST"] = Daemon.DockerHost,
            ["DOCKER_CONFIG"] = _configDirectory,
            ["DOCKER_CONTEXT"] = null,
            ["DOCKER_API_VERSION"] = null,
        }, input);

    /// <summary>Runs another Docker client (<c>docker-compose</c>, a python3 script using docker-py) against the daemon, with
    /// the same environment as <see cref="RunAsync"/>.</summary>
    public Task<CommandResult> RunClientAsync(string file, params string[] args) =>
        CommandResult.RunAsync(file, args, TimeSpan.FromMinutes(3), new Dictionary<string, string?>
        {
            ["DOCKER_HOST"] = Daemon.DockerHost,
            ["DOCKER_CONFIG"] = _configDirectory,
            ["DOCKER_CONTEXT"] = null,
            ["DOCKER_API_VERSION"] = null,
            ["COMPOSE_INTERACTIVE_NO_CLI"] = "1",
        });

    /// <summary>Sends <paramref name="method"/> to <paramref name="path"/> with an optional body.</summary>
    public async Task<(int Status, string Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, HttpContent? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    /// <summary>A JSON body.</summary>
    public static StringContent Json(string json)
    {
        var content = new StringContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    public void Dispose() => Http.Dispose();
}
