using System.Buffers;
using System.Net.Sockets;
using Minato.Engine.Linux.Namespaces;

namespace Minato.Cri.Streaming;

/// <summary>One port-forward connection: dial localhost in the pod, then pipe both ways with half-close.</summary>
/// <remarks>
/// When the client ends its side, the pod's server gets a FIN (shutdown of sending) and may still answer, as an HTTP
/// server does after the request. The pipe ends when the pod's server closes its side, when the client's stream
/// fails, or when cancelled.
/// </remarks>
public static class PortForwardSession
{
    private const int ChunkSize = 32 * 1024;

    /// <summary>Connects to <paramref name="port"/> inside <paramref name="netnsPath"/> (null: the host's) and pipes
    /// <paramref name="connection"/> to it until the pod's side closes; throws <see cref="OperationCanceledException"/> when cancelled.</summary>
    /// <exception cref="PortForwardException">Nothing accepts the connection; the message names the port and the pod.</exception>
    public static async Task RunAsync(LoopbackDialer dialer, string podId, string? netnsPath, int port, Stream connection, CancellationToken cancellationToken)
    {
        if (port is < 1 or > 65535)
        {
            throw new PortForwardException($"invalid port {port}: it must be between 1 and 65535");
        }

        Socket socket;
        try
        {
            socket = await dialer.ConnectAsync(netnsPath, port, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new PortForwardException(e.SocketErrorCode == SocketError.ConnectionRefused
                ? $"connection refused on port {port} in pod {podId}"
                : $"cannot connect to port {port} in pod {podId}: {e.Message}", e);
        }

        using (socket)
        {
            await PipeAsync(socket, connection, cancellationToken);
        }
    }

    private static async Task PipeAsync(Socket socket, Stream connection, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var downstream = new NetworkStream(socket, ownsSocket: false);
        var upstream = UpstreamAsync(connection, socket, stop);
        try
        {
            await StreamPumps.CopyAsync(downstream, connection, stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            await upstream;
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private static async Task UpstreamAsync(Stream connection, Socket socket, CancellationTokenSource stop)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await connection.ReadAsync(buffer.AsMemory(0, ChunkSize), stop.Token)) > 0)
            {
                await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, stop.Token);
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (OperationCanceledException)
        {
            // The pod's side ended first.
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // Either side failed: nothing more can flow.
            await stop.CancelAsync();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
