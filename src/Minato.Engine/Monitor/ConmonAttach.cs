using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Minato.Engine.Linux.Interop;
using static Minato.Engine.Linux.Interop.LinuxConstants;

namespace Minato.Engine.Monitor;

/// <summary>Which stream a packet from conmon's attach socket carries (its first byte).</summary>
public enum AttachChannel : byte
{
    Stdout = 2,
    Stderr = 3,
}

/// <summary>A client of one container's conmon attach socket: its output as it is produced, input for its stdin.</summary>
/// <remarks>
/// The socket is SOCK_SEQPACKET at <c>&lt;socket-dir&gt;/&lt;id&gt;/attach</c> (a symlink conmon makes to the bundle, so
/// the path fits in sun_path). Each packet conmon sends is one read of the container's stdout or stderr (at most
/// 8 KiB) behind a one-byte stream tag; with a terminal everything is tagged stdout. Bytes sent to it go to the
/// container's stdin unchanged. When the client shuts down its sending side, conmon closes the container's stdin
/// unless the container was created to leave it open (<c>stdin_once</c> false). conmon sends only to clients
/// connected at the time: output from before the attach is in the log, not here.
/// </remarks>
public sealed class ConmonAttach : IDisposable
{
    /// <summary>conmon's STDIO_BUF_SIZE plus the tag byte, rounded up: no packet is ever truncated.</summary>
    public const int PacketSize = 32 * 1024;

    private readonly Socket _socket;

    private ConmonAttach(Socket socket) => _socket = socket;

    /// <summary>The attach socket of container <paramref name="containerId"/> under conmon's socket directory.</summary>
    public static string SocketPath(string attachSocketDirectory, string containerId) =>
        Path.Combine(attachSocketDirectory, containerId, "attach");

    /// <summary>Connects to the attach socket at <paramref name="path"/>, however long the path is.</summary>
    public static async Task<ConmonAttach> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        // sun_path holds 108 bytes: a state directory of more than about 30 characters would overflow it with the
        // 64-hex id. The socket's directory opened as O_PATH gives a short /proc/self/fd alias for any length.
        var directory = NamespaceCalls.Open(Path.GetDirectoryName(path) ?? "/", OPath | ODirectory | OCloExec);
        SyscallException.ThrowIfFailed(directory, "open", path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        try
        {
            var alias = $"/proc/self/fd/{directory.ToString(CultureInfo.InvariantCulture)}/{Path.GetFileName(path)}";
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(alias), cancellationToken);
            return new ConmonAttach(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        finally
        {
            NamespaceCalls.Close(directory);
        }
    }

    /// <summary>Receives one packet into <paramref name="buffer"/> (at least <see cref="PacketSize"/> bytes): its stream
    /// and payload length, or null when conmon closed the socket (the container exited).</summary>
    public async Task<(AttachChannel Stream, int Length)?> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            // Payload after the tag; a lone tag byte carries nothing and is skipped.
            if (read > 1)
            {
                var stream = buffer.Span[0] == (byte)AttachChannel.Stderr ? AttachChannel.Stderr : AttachChannel.Stdout;
                buffer.Span[1..read].CopyTo(buffer.Span);
                return (stream, read - 1);
            }
        }
    }

    /// <summary>Sends bytes to the container's stdin.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (data.Length > 0)
        {
            var sent = await _socket.SendAsync(data[..Math.Min(data.Length, PacketSize)], SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }

    /// <summary>The client's stdin ended: conmon closes the container's stdin if it was created with stdin_once.</summary>
    public void CloseStdin() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Asks conmon to resize the container's terminal through the control FIFO in its bundle
    /// (<c>1 &lt;height&gt; &lt;width&gt;</c>, the order conmon's parser expects). False when conmon no longer listens.</summary>
    public static bool Resize(string controlFifo, ushort columns, ushort rows)
    {
        // Non-blocking: opening a FIFO for writing would otherwise wait forever once conmon has gone.
        var fd = Libc.OpenatCwd(AtFdCwd, controlFifo, OWrOnly | ONonBlock | OCloExec, 0);
        if (fd < 0)
        {
            return false;
        }

        using var fifo = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0);
        try
        {
            fifo.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"1 {rows} {columns}\n")));
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();
}
