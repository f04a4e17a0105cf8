using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Web;

namespace Minato.IntegrationTests.Streaming;

/// <summary>Just enough of a Kubernetes API server on 127.0.0.1 for kubectl exec, attach and port-forward: discovery,
/// one Running pod, and the streaming subresources proxied to a CRI streaming URL the way the kubelet proxies them.</summary>
/// <remarks>A raw TCP listener rather than Kestrel: after the upgrade the connection is a byte pipe, and a raw one
/// forwards kubectl's exact request head and every byte after it.</remarks>
public sealed class FakeApiServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<StreamingCall, Task<Uri>> _streamingUrl;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _upgrades = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;

    private FakeApiServer(Func<StreamingCall, Task<Uri>> streamingUrl)
    {
        _streamingUrl = streamingUrl;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Starts a server that asks <paramref name="streamingUrl"/> (the CRI Exec, Attach or PortForward RPC)
    /// where to send each exec, attach or port-forward request.</summary>
    public static FakeApiServer Start(Func<StreamingCall, Task<Uri>> streamingUrl) => new(streamingUrl);

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>The Upgrade header of each proxied request, in order (<c>SPDY/3.1</c>, <c>websocket</c>).</summary>
    public IReadOnlyCollection<string> Upgrades => _upgrades;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        await Task.WhenAll(_connections).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _connections.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var owned = client;
        var stream = client.GetStream();
        try
        {
            var buffered = Array.Empty<byte>();
            // Keep-alive: kubectl sends discovery and the pod GET on one connection.
            while (await HttpHead.ReadAsync(stream, buffered, _stop.Token) is { } request)
            {
                buffered = request.Rest;
                if (request.Header("Upgrade") is { } upgrade && StreamingCall.Parse(request) is { } call)
                {
                    _upgrades.Enqueue(upgrade);
                    await ProxyAsync(stream, request, await _streamingUrl(call));
                    return;
                }

                await RespondAsync(stream, request.Method, request.Path);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // kubectl went away or the server stops: nothing to answer.
        }
    }

    private static async Task RespondAsync(Stream stream, string method, string path)
    {
        var (status, json) = (method, path) switch
        {
            ("GET", "/api") => (200, """{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]}"""),
            ("GET", "/apis") => (200, """{"kind":"APIGroupList","apiVersion":"v1","groups":[]}"""),
            ("GET", "/api/v1") => (200, """{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list"],"shortNames":["po"]},{"name":"pods/exec","singularName":"","namespaced":true,"kind":"PodExecOptions","verbs":["create","get"]},{"name":"pods/attach","singularName":"","namespaced":true,"kind":"PodAttachOptions","verbs":["create","get"]},{"name":"pods/portforward","singularName":"","namespaced":true,"kind":"PodPortForwardOptions","verbs":["create","get"]}]}"""),
            ("GET", _) when StreamingCall.PodPath(path) is ({ } ns, { } name, null) => (200, Pod(ns, name)),
            _ => (404, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"NotFound","code":404}"""),
        };
        var body = Encoding.UTF8.GetBytes(json);
        var head = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Not Found")}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
    }

    /// <summary>Running, one container <c>c</c>: what kubectl checks before exec, attach and port-forward.</summary>
    private static string Pod(string ns, string name) =>
        """{"kind":"Pod","apiVersion":"v1","metadata":{"name":"@name","namespace":"@ns","uid":"fake-@name"},"spec":{"containers":[{"name":"c","image":"busybox","stdin":true}]},"status":{"phase":"Running","containerStatuses":[{"name":"c","ready":true,"restartCount":0,"image":"busybox","imageID":"","state":{"running":{}}}]}}""".Replace("@name", name, StringComparison.Ordinal).Replace("@ns", ns, StringComparison.Ordinal);

    /// <summary>The kubelet's part: kubectl's request line with the runtime's path, kubectl's headers, then bytes both
    /// ways until either side closes.</summary>
    private static async Task ProxyAsync(NetworkStream client, HttpHead request, Uri target)
    {
        using var backend = new TcpClient();
        await backend.ConnectAsync(target.Host, target.Port);
        var upstream = backend.GetStream();
        var head = new StringBuilder($"{request.Method} {target.PathAndQuery} HTTP/1.1\r\nHost: {target.Authority}\r\n");
        foreach (var (name, value) in request.Headers.Where(h => !h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        await upstream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        await upstream.WriteAsync(request.Rest);
        using var done = new CancellationTokenSource();
        var up = client.CopyToAsync(upstream, done.Token);
        var down = upstream.CopyToAsync(client, done.Token);
        await Task.WhenAny(up, down);
        await done.CancelAsync();
        await Task.WhenAll(up, down).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}

/// <summary>A streaming subresource request: <c>exec</c>, <c>attach</c> or <c>portforward</c> of a pod, with its query.</summary>
public sealed record StreamingCall(string Subresource, string Namespace, string Pod, NameValueCollection Query)
{
    public IReadOnlyList<string> Command => Query.GetValues("command") ?? [];

    /// <summary>A boolean query parameter as the API server reads it (<c>true</c> or <c>1</c>).</summary>
    public bool Flag(string name) => Query[name] is "true" or "1";

    internal static StreamingCall? Parse(HttpHead request)
    {
        var path = request.Target.Split('?', 2);
        return PodPath(path[0]) is ({ } ns, { } pod, { } sub)
            ? new StreamingCall(sub, ns, pod, HttpUtility.ParseQueryString(path.Length > 1 ? path[1] : ""))
            : null;
    }

    /// <summary><c>/api/v1/namespaces/NS/pods/NAME[/SUB]</c> split; nulls when the path is something else.</summary>
    internal static (string? Namespace, string? Pod, string? Subresource) PodPath(string path) =>
        path.Split('/') switch
        {
            ["", "api", "v1", "namespaces", var ns, "pods", var pod] => (ns, pod, null),
            ["", "api", "v1", "namespaces", var ns, "pods", var pod, var sub] when sub is "exec" or "attach" or "portforward" => (ns, pod, sub),
            _ => (null, null, null),
        };
}

/// <summary>One HTTP/1.1 request head (and its body skipped), plus the bytes read past it.</summary>
internal sealed record HttpHead(string Method, string Target, IReadOnlyList<(string Name, string Value)> Headers, byte[] Rest)
{
    public string Path => Target.Split('?', 2)[0];

    public string? Header(string name) =>
        Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    /// <summary>The next request on <paramref name="stream"/>, or null when the peer closed between requests.</summary>
    public static async Task<HttpHead?> ReadAsync(Stream stream, byte[] buffered, CancellationToken cancellationToken)
    {
        var data = new List<byte>(buffered);
        var chunk = new byte[8192];
        int end;
        while ((end = IndexOfBlankLine(data)) < 0)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            data.AddRange(chunk.AsSpan(0, read));
        }

        var lines = Encoding.ASCII.GetString([.. data[..end]]).Split("\r\n");
        var start = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => (p[0].Trim(), p[1].Trim())).ToList();
        var rest = data[(end + 4)..];
        var length = headers.Where(h => h.Item1.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => int.Parse(h.Item2, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        while (rest.Count < length)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            rest.AddRange(chunk.AsSpan(0, read));
        }

        return new HttpHead(start[0], start[1], headers, [.. rest[length..]]);
    }

    private static int IndexOfBlankLine(List<byte> data)
    {
        for (var i = 0; i + 3 < data.Count; i++)
        {
            if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
