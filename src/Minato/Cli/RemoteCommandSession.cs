using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;
using Minato.Engine.Linux;
using Minato.Streaming;

namespace Minato.Cli;

/// <summary>An exec or attach from this process's stdin, stdout and stderr over a <c>v5.channel.k8s.io</c> WebSocket.</summary>
/// <remarks>
/// The descriptors are used directly rather than through <see cref="Console"/>, whose terminal input goes through its
/// own line editor and would fight raw mode. With a TTY, stdin in raw mode when it is a terminal, and the window size
/// (of stdout, else stdin) is sent at the start and on every SIGWINCH.
/// </remarks>
internal static class RemoteCommandSession
{
    /// <summary>The subprotocol this client speaks.</summary>
    internal const string Protocol = "v5.channel.k8s.io";
    private const byte Stdin = 0, Stdout = 1, Stderr = 2, Error = 3, Resize = 4, Close = 255;
    private const int ChunkSize = 32 * 1024;

    /// <summary>Runs the session until the server ends it and returns the exit code: the command's for an exec, 0 for an
    /// attach, 128 + the signal when interrupted.</summary>
    /// <exception cref="CliException">The server reported a failure other than an exit code, or the stream broke.</exception>
    public static async Task<int> RunAsync(string url, bool stdin, bool tty, bool attach, CancellationToken cancellationToken)
    {
        using var signals = new InterruptSignals(cancellationToken);
        using var socket = await ChannelWebSocket.ConnectAsync(url, Protocol, signals.Token);
        var input = new SafeFileHandle(0, ownsHandle: false);
        TerminalRawMode? raw = null;
        IDisposable? windowChanges = null;
        byte[]? status;
        try
        {
            if (tty && stdin && TerminalRawMode.IsTerminal(input))
            {
                raw = TerminalRawMode.Enter(input);
            }

            if (tty)
            {
                windowChanges = SendSizes(socket, signals.Token);
            }

            _ = stdin ? SendStdinAsync(socket, input, signals.Token) : Task.CompletedTask;
            await using var stdout = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
            await using var stderr = new FileStream(new SafeFileHandle(2, ownsHandle: false), FileAccess.Write, bufferSize: 0);
            status = await ReceiveAsync(socket, stdout, stderr, signals.Token);
        }
        catch (OperationCanceledException) when (signals.ExitCode is not null)
        {
            return signals.ExitCode.Value;
        }
        catch (WebSocketException e)
        {
            throw new CliException($"the stream broke: {e.Message}", e);
        }
        finally
        {
            windowChanges?.Dispose();
            raw?.Dispose();
        }

        return ExitCode(status, attach);
    }

    /// <summary>Everything the server sends until it closes: output copied to <paramref name="stdout"/> and
    /// <paramref name="stderr"/>, the error channel's status returned (the bench reads sessions into memory with it).</summary>
    internal static async Task<byte[]?> ReceiveAsync(ChannelWebSocket socket, Stream stdout, Stream stderr, CancellationToken cancellationToken)
    {
        using var status = new MemoryStream();
        var buffer = new byte[ChunkSize];
        while (await socket.ReceiveAsync(buffer, cancellationToken) is var (channel, data))
        {
            switch (channel)
            {
                case Stdout:
                    await stdout.WriteAsync(data, cancellationToken);
                    break;
                case Stderr:
                    await stderr.WriteAsync(data, cancellationToken);
                    break;
                case Error when status.Length < 64 * 1024:
                    status.Write(data.Span);
                    break;
            }
        }

        return status.Length == 0 ? null : status.ToArray();
    }

    /// <summary>Copies stdin to the stdin channel; at its end, says so on the v5 close channel.</summary>
    private static async Task SendStdinAsync(ChannelWebSocket socket, SafeFileHandle input, CancellationToken cancellationToken)
    {
        // A read of a terminal cannot be cancelled: when the session ends first, the read is abandoned with the process.
        await using var stream = new FileStream(input, FileAccess.Read, bufferSize: 0);
        var buffer = new byte[ChunkSize];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await socket.SendAsync(Stdin, buffer.AsMemory(0, read), cancellationToken);
            }

            await socket.SendAsync(Close, new[] { Stdin }, cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException or UnauthorizedAccessException)
        {
            // The session ended first, or stdin cannot be read: the command gets no more input.
        }
    }

    /// <summary>Sends the terminal's size now and after each SIGWINCH; nothing when neither stdout nor stdin is a terminal.</summary>
    private static WindowChanges? SendSizes(ChannelWebSocket socket, CancellationToken cancellationToken)
    {
        var output = new SafeFileHandle(1, ownsHandle: false);
        var terminal = TerminalRawMode.IsTerminal(output) ? output : new SafeFileHandle(0, ownsHandle: false);
        if (!TerminalRawMode.IsTerminal(terminal))
        {
            return null;
        }

        var changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        changes.Writer.TryWrite(true);
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in changes.Reader.ReadAllAsync(cancellationToken))
                {
                    if (TerminalRawMode.Size(terminal) is var (columns, rows))
                    {
                        var message = JsonSerializer.SerializeToUtf8Bytes(new ResizeMessage(columns, rows), StatusJson.Default.ResizeMessage);
                        await socket.SendAsync(Resize, message, cancellationToken);
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The session ended.
            }
        }, cancellationToken);
        return new WindowChanges(PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => changes.Writer.TryWrite(true)), changes.Writer);
    }

    /// <summary>The exit code the status stands for: 0 on success, the command's code for <c>NonZeroExitCode</c>.</summary>
    /// <exception cref="CliException">The status is a failure other than an exit code, or missing for an exec.</exception>
    internal static int ExitCode(byte[]? bytes, bool attach)
    {
        if (bytes is null)
        {
            // v5 always reports a status; a missing one means the daemon went away mid-session.
            return attach ? 0 : throw new CliException("the stream ended without the command's exit status");
        }

        RemoteCommandStatus? status;
        try
        {
            status = JsonSerializer.Deserialize(bytes, StatusJson.Default.RemoteCommandStatus);
        }
        catch (JsonException e)
        {
            throw new CliException($"unreadable status from the streaming server: {e.Message}", e);
        }

        if (status is null || status.IsSuccess)
        {
            return 0;
        }

        if (status.Reason == "NonZeroExitCode" &&
            status.Details?.Causes.FirstOrDefault(c => c.Type == "ExitCode") is { } cause &&
            int.TryParse(cause.Message, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
        {
            return code;
        }

        throw new CliException(status.Message ?? status.Status);
    }

    /// <summary>The SIGWINCH registration and the queue it feeds; disposing ends the sender.</summary>
    private sealed class WindowChanges(PosixSignalRegistration registration, ChannelWriter<bool> changes) : IDisposable
    {
        public void Dispose()
        {
            registration.Dispose();
            changes.TryComplete();
        }
    }
}
