using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Minato.Bench.Cri.Hosting;

namespace Minato.Bench.Docker;

/// <summary>One Docker-API engine under test (Minato, dockerd or Podman): its socket, an HTTP client on it, and the
/// processes the bench started for it.</summary>
internal sealed class DockerEngine : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned;
    private readonly Func<Task> _cleanup;

    public DockerEngine(string name, string socketPath, IReadOnlyList<string> daemonNames, List<IAsyncDisposable> owned, Func<Task> cleanup)
    {
        Name = name;
        SocketPath = socketPath;
        DaemonNames = daemonNames;
        _owned = owned;
        _cleanup = cleanup;
        Http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            // API 1.41 is the newest both dockerd 20.10 and Podman 4.3 serve; Minato serves it too.
            BaseAddress = new Uri("http://docker/v1.41/"),
            Timeout = TimeSpan.FromMinutes(3),
        };
    }

    /// <summary><c>minato</c>, <c>dockerd</c> or <c>podman</c>: the report's column.</summary>
    public string Name { get; }

    public string SocketPath { get; }

    /// <summary>Process names whose RSS is the engine's own memory (dockerd counts its containerd too).</summary>
    public IReadOnlyList<string> DaemonNames { get; }

    public HttpClient Http { get; }

    /// <summary>The engine's version line for the report.</summary>
    public string Version { get; set; } = string.Empty;

    /// <summary><c>DOCKER_HOST</c> for the docker CLI.</summary>
    public string DockerHost => "unix://" + SocketPath;

    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct, bool allowNotFound = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode && !(allowNotFound && (int)response.StatusCode == 404) && (int)response.StatusCode != 304)
        {
            throw new InvalidOperationException($"{Name}: {method} {path} answered {(int)response.StatusCode}: {text.Trim()}");
        }

        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed[0] is not ('{' or '['))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(trimmed);
        }
        catch (System.Text.Json.JsonException)
        {
            // A stream of JSON lines (progress), not one document: the caller only needed the status.
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        await _cleanup();
    }

    /// <summary>The engine's answering socket, waited for.</summary>
    public async Task WaitReadyAsync(ChildProcess process, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited during start-up:\n{process.Tail()}");
            }

            try
            {
                using var response = await Http.GetAsync("_ping", ct);
                if (response.IsSuccessStatusCode)
                {
                    var version = await SendAsync(HttpMethod.Get, "version", null, ct);
                    Version = $"{version?[nameof(Version)]} (API {version?["ApiVersion"]})";
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} did not answer /_ping within {timeout.TotalSeconds:F0} s:\n{process.Tail()}");
            }

            await Task.Delay(100, ct);
        }
    }
}
