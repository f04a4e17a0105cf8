using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary>One accepted local connection piped to a port in the pod over its own port-forward WebSocket.</summary>
/// <remarks>
/// Channel 0 carries the data and channel 1 the server's errors; the server starts each with the port as two
/// little-endian bytes. The WebSocket protocol has no half-close, so when the local client stops sending, the
/// connection stays open until the pod's side closes.
/// </remarks>
internal static class PortForwardConnection
{
    private const string Protocol = "portforward.k8s.io";
    private const byte Data = 0, Error = 1;
    private const int ChunkSize = 32 * 1024;

    /// <summary>Forwards <paramref name="client"/> until either end closes; failures are printed, never thrown.</summary>
    public static async Task RunAsync(CriConnection connection, string podId, int port, Socket client, TextWriter error, CancellationToken cancellationToken)
    {
        // Off the accept loop: the RPC and the WebSocket handshake run per connection.
        await Task.Yield();
        using (client)
        {
            try
            {
                var request = new PortForwardRequest { PodSandboxId = podId };
                request.Port.Add(port);
                var url = (await connection.Runtime.PortForwardAsync(request, cancellationToken: cancellationToken)).Url;
                using var socket = await ChannelWebSocket.ConnectAsync($"{url}?port={port}", Protocol, cancellationToken);
                await using var local = new NetworkStream(client, ownsSocket: false);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var sending = SendAsync(local, socket, stop.Token);
                var message = await ReceiveAsync(socket, local, stop.Token);
                await stop.CancelAsync();
                await sending;
                if (message is not null)
                {
                    await error.WriteLineAsync($"minato: {message}");
                }
            }
            catch (RpcException e)
            {
                await error.WriteLineAsync($"minato: port {port}: {connection.Explain(e).Message}");
            }
            catch (CliException e)
            {
                await error.WriteLineAsync($"minato: port {port}: {e.Message}");
            }
            catch (Exception e) when (e is WebSocketException or IOException or SocketException && !cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync($"minato: port {port}: the connection broke: {e.Message}");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C.
            }
        }
    }

    /// <summary>Copies the pod's data to the local client until the server closes; returns the error channel's text, if any.</summary>
    private static async Task<string?> ReceiveAsync(ChannelWebSocket socket, NetworkStream local, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkSize];
        int[] prefix = [2, 2];
        using var errors = new MemoryStream();
        while (await socket.ReceiveAsync(buffer, cancellationToken) is var (channel, data))
        {
            if (channel > Error)
            {
                continue;
            }

            var skip = Math.Min(prefix[channel], data.Length);
            prefix[channel] -= skip;
            data = data[skip..];
            if (channel == Data)
            {
                await local.WriteAsync(data, cancellationToken);
            }
            else if (errors.Length < 64 * 1024)
            {
                errors.Write(data.Span);
            }
        }

        return errors.Length == 0 ? null : Encoding.UTF8.GetString(errors.ToArray());
    }

    private static async Task SendAsync(NetworkStream local, ChannelWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkSize];
        try
        {
            int read;
            while ((read = await local.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await socket.SendAsync(Data, buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The local client or the session went away; the receiving side ends the connection.
        }
    }
}
