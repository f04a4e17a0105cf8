using System.Net.Sockets;

namespace Minato.Daemon;

/// <summary>Prepares the CRI socket path: its directory, a stale file from a dead daemon, a live one from another.</summary>
internal static class SocketFile
{
    /// <summary>Mode of the socket: root and the socket's group may connect (the kubelet runs as root).</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>
    /// Creates the socket's directory and removes a stale socket file; refuses when a daemon still answers on it.
    /// </summary>
    public static void Prepare(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        if (!File.Exists(path) && !Directory.Exists(path))
        {
            return;
        }

        if (Directory.Exists(path))
        {
            throw new DaemonStartupException($"socket path {path} is a directory");
        }

        if (IsServed(path))
        {
            throw new DaemonStartupException($"another daemon is already serving {path}; stop it first or choose another --listen");
        }

        File.Delete(path);
    }

    /// <summary>Sets <see cref="Mode"/> once the listener has created the socket.</summary>
    public static void Restrict(string path) => File.SetUnixFileMode(path, Mode);

    private static bool IsServed(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            // ECONNREFUSED (nobody listening) or ENOTSOCK (a plain file): stale, safe to replace.
            return false;
        }
    }
}
