using System.Net.Sockets;
using Grpc.Net.Client;

namespace Minato.Cri.Api;

/// <summary>gRPC channels to a CRI endpoint on a Unix socket, shared by the CLI, the tests and the benchmarks.</summary>
public static class CriChannel
{
    /// <summary>Largest response a client accepts (ListContainers on a busy node can be large).</summary>
    public const int MaxReceiveMessageSize = 64 * 1024 * 1024;

    /// <summary>A channel that connects lazily to the socket at <paramref name="path"/>.</summary>
    public static GrpcChannel ForUnixSocket(string path) =>
        GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            MaxReceiveMessageSize = MaxReceiveMessageSize,
            HttpHandler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            },
        });
}
