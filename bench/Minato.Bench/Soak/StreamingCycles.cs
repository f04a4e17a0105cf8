using System.Net;
using System.Net.Sockets;
using System.Text;
using Minato.Cli;
using Minato.Cri.Api.V1;

namespace Minato.Bench.Soak;

/// <summary>One cycle of each streaming kind against a running container and its pod, through the CLI's own clients
/// (<see cref="ChannelWebSocket"/>, <see cref="RemoteCommandSession"/>, <see cref="PortForwardConnection"/>), so the
/// soak exercises what <c>minato exec / attach / port-forward</c> do.</summary>
internal sealed class StreamingCycles(CriConnection connection, string podId, string containerId, int httpPort)
{
    /// <summary>The kinds in report order.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["exec", "attach", "port-forward"];

    public Task RunAsync(string kind, CancellationToken cancellationToken) => kind switch
    {
        "exec" => ExecAsync(cancellationToken),
        "attach" => AttachAsync(cancellationToken),
        "port-forward" => PortForwardAsync(cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a streaming kind"),
    };

    /// <summary><c>echo x</c>: its output and a v5 Success status must come back.</summary>
    private async Task ExecAsync(CancellationToken cancellationToken)
    {
        var request = new ExecRequest { ContainerId = containerId, Stdout = true, Stderr = true, Cmd = { "echo", "x" } };
        var url = (await connection.Runtime.ExecAsync(request, cancellationToken: cancellationToken)).Url;
        using var socket = await ChannelWebSocket.ConnectAsync(url, RemoteCommandSession.Protocol, cancellationToken);
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var status = await RemoteCommandSession.ReceiveAsync(socket, stdout, stderr, cancellationToken);
        var code = RemoteCommandSession.ExitCode(status, attach: false);
        var output = Encoding.UTF8.GetString(stdout.ToArray());
        if (code != 0 || output != "x\n")
        {
            throw new InvalidOperationException($"exec: exit code {code}, stdout \"{output.Trim()}\", stderr \"{Encoding.UTF8.GetString(stderr.ToArray()).Trim()}\"");
        }
    }

    /// <summary>Opens an attach and closes it at once, as a client that leaves does: the server must end the session.</summary>
    private async Task AttachAsync(CancellationToken cancellationToken)
    {
        var request = new AttachRequest { ContainerId = containerId, Stdout = true, Stderr = true };
        var url = (await connection.Runtime.AttachAsync(request, cancellationToken: cancellationToken)).Url;
        using var socket = await ChannelWebSocket.ConnectAsync(url, RemoteCommandSession.Protocol, cancellationToken);
        await socket.CloseAsync();
        var status = await RemoteCommandSession.ReceiveAsync(socket, Stream.Null, Stream.Null, cancellationToken);
        _ = RemoteCommandSession.ExitCode(status, attach: true);
    }

    /// <summary>An HTTP GET through a forwarded connection; the answer must come back and the connection end when httpd
    /// closes its side.</summary>
    private async Task PortForwardAsync(CancellationToken cancellationToken)
    {
        // PortForwardConnection serves an accepted socket; a loopback pair of the soak's own stands in for the local client.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var local = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accepting = listener.AcceptAsync(cancellationToken);
        await local.ConnectAsync(listener.LocalEndPoint!, cancellationToken);
        var accepted = await accepting;
        using var errors = new StringWriter();
        var forwarding = PortForwardConnection.RunAsync(connection, podId, httpPort, accepted, errors, cancellationToken);

        await local.SendAsync("GET /passwd HTTP/1.0\r\n\r\n"u8.ToArray(), cancellationToken);
        using var response = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await local.ReceiveAsync(buffer, cancellationToken)) > 0)
        {
            response.Write(buffer, 0, read);
        }

        await forwarding;
        var text = Encoding.UTF8.GetString(response.ToArray());
        if (errors.ToString().Length > 0 || !text.StartsWith("HTTP/1.", StringComparison.Ordinal) || !text.Contains(" 200 ", StringComparison.Ordinal) || !text.Contains("root:x:0:0", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"port-forward: {errors.ToString().Trim()} response \"{text.Split('\n')[0].Trim()}\" ({text.Length} bytes)");
        }
    }
}
