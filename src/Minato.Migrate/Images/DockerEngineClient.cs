using System.Net.Sockets;
using System.Text.Json;
using static Minato.Migrate.ObjectExtractor;

namespace Minato.Migrate.Images;

/// <summary>An image a Docker Engine holds: its id (config digest), names and size.</summary>
public sealed record DockerImage(string Id, IReadOnlyList<string> RepoTags, long Size);

/// <summary>
/// The two Docker Engine API calls <c>minato migrate images</c> needs, over the engine's Unix socket: the image
/// list and the image export (<c>docker save</c>'s archive), streamed to a file without holding it in memory.
/// </summary>
public sealed class DockerEngineClient : IDisposable
{
    /// <summary>The image list is metadata; anything larger is not a Docker Engine talking.</summary>
    private const int MaxListBytes = 64 << 20;

    private readonly HttpClient _http;

    public DockerEngineClient(string endpoint)
    {
        if (!endpoint.StartsWith("unix:///", StringComparison.Ordinal))
        {
            throw new ArgumentException($"--from-docker must be unix:///absolute/path (got \"{endpoint}\")", nameof(endpoint));
        }

        var socket = endpoint["unix://".Length..];
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await unix.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                    return new NetworkStream(unix, ownsSocket: true);
                }
                catch
                {
                    unix.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://docker/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<IReadOnlyList<DockerImage>> ListImagesAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("images/json", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, "list images", cancellationToken);
        if (response.Content.Headers.ContentLength > MaxListBytes)
        {
            throw new InvalidDataException($"the Docker Engine's image list is larger than {MaxListBytes >> 20} MiB");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new MemoryStream();
        await CopyBoundedAsync(stream, buffer, MaxListBytes, cancellationToken);
        using var json = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        if (json.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("the Docker Engine's image list is not a JSON array");
        }

        return json.RootElement.EnumerateArray()
            .Select(i => new DockerImage(
                Str(i, "Id") ?? "",
                Items(i, "RepoTags").Select(AsString).OfType<string>().Where(t => t != "<none>:<none>").ToList(),
                Prop(i, "Size").ValueKind == JsonValueKind.Number ? Prop(i, "Size").GetInt64() : 0))
            .Where(i => i.Id.Length > 0)
            .ToList();
    }

    /// <summary>
    /// Streams the engine's export (a docker save archive) of one image under all the given names into
    /// <paramref name="destination"/>; returns bytes written. Exported by name, the archive keeps the names.
    /// </summary>
    public async Task<long> ExportAsync(IReadOnlyList<string> names, Stream destination, CancellationToken cancellationToken)
    {
        var query = string.Join('&', names.Select(n => $"names={Uri.EscapeDataString(n)}"));
        using var response = await _http.GetAsync($"images/get?{query}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, $"export {string.Join(", ", names)}", cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await CopyBoundedAsync(stream, destination, long.MaxValue, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private static async Task<long> CopyBoundedAsync(Stream source, Stream destination, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw new InvalidDataException($"the Docker Engine's answer is larger than {limit >> 20} MiB");
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return total;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"Docker Engine: {what}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)].Trim()}");
        }
    }
}

/// <summary>Docker's short image names in the canonical form CRI runtimes list: docker.io/library/nginx:1.25.</summary>
public static class DockerImageName
{
    public static string Canonical(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? "" : name[..slash];
        var hasRegistry = slash >= 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost");
        var full = hasRegistry ? name : slash < 0 ? $"docker.io/library/{name}" : $"docker.io/{name}";
        var lastSlash = full.LastIndexOf('/');
        return full.IndexOf(':', lastSlash + 1) < 0 && !full.Contains('@', StringComparison.Ordinal) ? full + ":latest" : full;
    }
}
