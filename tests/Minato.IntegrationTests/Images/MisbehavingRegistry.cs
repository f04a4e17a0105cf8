using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Minato.Testing;

namespace Minato.IntegrationTests.Images;

/// <summary>A request the <see cref="MisbehavingRegistry"/> saw.</summary>
public sealed record SeenRequest(string Method, string Path, string? Authorization);

/// <summary>An answer of the <see cref="MisbehavingRegistry"/>.</summary>
public sealed record CannedResponse(int Status, byte[] Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Send the headers, then nothing until the server stops (a stalled download).</summary>
    public bool Hang { get; init; }

    /// <summary>Send the body a byte at a time this far apart (a registry or proxy that trickles).</summary>
    public TimeSpan? Trickle { get; init; }

    /// <summary>Send this many bytes of the body, then reset the connection (the registry's process killed mid-transfer).</summary>
    public int? DieAfter { get; init; }

    public static CannedResponse Empty(int status, params (string Name, string Value)[] headers) =>
        new(status, [], headers.ToDictionary(h => h.Name, h => h.Value));
}

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 that serves one test image as a registry would, except where a test tells it to
/// misbehave (<see cref="Override"/>). It records every request with its Authorization header.
/// </summary>
public sealed class MisbehavingRegistry : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly TestImage? image;

    public MisbehavingRegistry(TestImage? image = null)
    {
        this.image = image;
        listener.Start();
        loop = Task.Run(AcceptAsync);
    }

    public string Host => $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    /// <summary>Returns a response to send instead of the image's, or null to serve normally.</summary>
    public Func<SeenRequest, CannedResponse?> Override { get; set; } = _ => null;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    /// <summary>What the image would be served as, before any override.</summary>
    public CannedResponse Serve(SeenRequest request)
    {
        if (request.Path == "/v2/")
        {
            return CannedResponse.Empty(200);
        }

        var manifest = image!.Manifest();
        if (request.Path.Contains("/manifests/", StringComparison.Ordinal))
        {
            var bytes = File.ReadAllBytes(image.BlobPath(manifest.Descriptor.Digest));
            return new CannedResponse(200, bytes, new Dictionary<string, string> { ["Content-Type"] = manifest.Descriptor.MediaType });
        }

        var digest = request.Path[(request.Path.LastIndexOf('/') + 1)..];
        return File.Exists(image.BlobPath(digest))
            ? new CannedResponse(200, File.ReadAllBytes(image.BlobPath(digest)), new Dictionary<string, string>())
            : CannedResponse.Empty(404);
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stop.Token);
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private static async Task<string?> ReadLineAsync(NetworkStream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            if (one[0] == 0x16 && line.Length == 0)
            {
                return null;
            }

            if (one[0] == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)one[0]);
        }

        return null;
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var requestLine = await ReadLineAsync(stream);
            if (string.IsNullOrEmpty(requestLine))
            {
                // Also a TLS ClientHello (HTTPS probe): closing makes the client fall back to plain HTTP at once.
                return;
            }

            string? authorization = null;
            for (var line = await ReadLineAsync(stream); !string.IsNullOrEmpty(line); line = await ReadLineAsync(stream))
            {
                if (line.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase))
                {
                    authorization = line["Authorization:".Length..].Trim();
                }
            }

            var parts = requestLine.Split(' ');
            var request = new SeenRequest(parts[0], parts[1].Split('?')[0], authorization);
            Requests.Enqueue(request);
            var response = Override(request) ?? Serve(request);
            var head = new StringBuilder($"HTTP/1.1 {response.Status} X\r\nConnection: close\r\n");
            if (!response.Headers.ContainsKey("Content-Length"))
            {
                head.Append($"Content-Length: {response.Body.Length}\r\n");
            }

            foreach (var (name, value) in response.Headers)
            {
                head.Append($"{name}: {value}\r\n");
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
            if (response.DieAfter is { } cut)
            {
                await stream.WriteAsync(response.Body.AsMemory(0, Math.Min(cut, response.Body.Length)));
                await stream.FlushAsync();
                client.Client.LingerState = new LingerOption(true, 0);
                client.Client.Close();
                return;
            }

            if (response.Trickle is { } gap)
            {
                foreach (var b in response.Body)
                {
                    await stream.WriteAsync(new[] { b }, stop.Token);
                    await Task.Delay(gap, stop.Token);
                }

                return;
            }

            await stream.WriteAsync(response.Body);
            if (response.Hang)
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
        }
    }
}
