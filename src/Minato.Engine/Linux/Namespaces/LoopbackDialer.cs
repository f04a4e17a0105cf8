using System.Net;
using System.Net.Sockets;

namespace Minato.Engine.Linux.Namespaces;

/// <summary>Opens TCP connections to localhost inside a network namespace (a pod's), tcp4 first, then tcp6.</summary>
/// <remarks>
/// A socket belongs to the network namespace it was created in, for its whole life. So only the creation runs
/// on a thread that has joined the namespace (see <see cref="INamespaces.RunInAsync{T}"/>); connecting and every
/// read and write afterwards are ordinary async socket calls from any thread.
/// </remarks>
public sealed class LoopbackDialer(INamespaces namespaces)
{
    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>, or [::1] when that is refused or unreachable.</summary>
    /// <param name="netnsPath">The pinned network namespace; null for the daemon's own (a host-network pod).</param>
    /// <param name="port">The TCP port.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <exception cref="SocketException">Neither address accepted the connection (tcp6's error when both were tried).</exception>
    public async Task<Socket> ConnectAsync(string? netnsPath, int port, CancellationToken cancellationToken)
    {
        var (v4, v6) = netnsPath is null
            ? CreateSockets()
            : await namespaces.RunInAsync(new Dictionary<NamespaceKind, string> { [NamespaceKind.Net] = netnsPath }, CreateSockets);
        try
        {
            await v4.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            v6?.Dispose();
            return v4;
        }
        catch (SocketException) when (v6 is not null)
        {
            v4.Dispose();
        }
        catch
        {
            v4.Dispose();
            v6?.Dispose();
            throw;
        }

        try
        {
            await v6.ConnectAsync(new IPEndPoint(IPAddress.IPv6Loopback, port), cancellationToken);
            return v6;
        }
        catch
        {
            v6.Dispose();
            throw;
        }
    }

    private static (Socket V4, Socket? V6) CreateSockets()
    {
        var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            return (v4, new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp));
        }
        catch (SocketException)
        {
            // IPv6 disabled in this namespace: tcp4 only.
            return (v4, null);
        }
    }
}
