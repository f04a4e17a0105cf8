using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Minato.Bench.Cri.Hosting;

/// <summary>Finds the process serving a Unix socket with <c>SO_PEERCRED</c>.</summary>
internal static partial class PeerCredentials
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    public static int ServerPid(string socketPath)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        var credentials = default(UCred);
        var length = Marshal.SizeOf<UCred>();
        if (GetSockOpt((int)socket.Handle, SolSocket, SoPeerCred, ref credentials, ref length) != 0)
        {
            throw new InvalidOperationException($"SO_PEERCRED on {socketPath} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return credentials.Pid;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct UCred
    {
        public int Pid;
        public int Uid;
        public int Gid;
    }

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static partial int GetSockOpt(int fd, int level, int name, ref UCred value, ref int length);
}
