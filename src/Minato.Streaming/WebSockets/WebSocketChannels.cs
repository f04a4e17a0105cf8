using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Minato.Streaming.WebSockets;

/// <summary>The Kubernetes channel framing over a WebSocket: the first byte of each message names the channel;
/// the base64 protocols send text messages, the channel as an ASCII digit, the payload in base64.</summary>
/// <remarks>A session with no message in either direction for the idle timeout ends, as a SPDY connection does; the
/// keep-alive pings are not messages, so a client that is only alive does not hold a session for ever.</remarks>
public sealed class WebSocketChannels : IDisposable
{
    /// <summary>Largest message accepted from the client.</summary>
    public const int MaxMessage = 1024 * 1024;

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _idle = new();
    private readonly WebSocket _socket;
    private readonly bool _base64;
    private readonly TimeSpan _idleTimeout;

    public WebSocketChannels(WebSocket socket, bool base64, TimeSpan idleTimeout)
    {
        _socket = socket;
        _base64 = base64;
        _idleTimeout = idleTimeout;
        _idle.CancelAfter(idleTimeout);
    }

    /// <summary>Cancelled when no message went either way for the idle timeout.</summary>
    public CancellationToken Idle => _idle.Token;

    /// <summary>Sends <paramref name="data"/> on <paramref name="channel"/> as one message.</summary>
    public async ValueTask SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        byte[] message;
        if (_base64)
        {
            message = Encoding.ASCII.GetBytes((char)('0' + channel) + Convert.ToBase64String(data.Span));
        }
        else
        {
            message = new byte[data.Length + 1];
            message[0] = channel;
            data.Span.CopyTo(message.AsSpan(1));
        }

        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(message, _base64 ? WebSocketMessageType.Text : WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
            Touch();
        }
        catch (WebSocketException e)
        {
            throw new IOException("the WebSocket is closed", e);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The next message as (channel, payload); null when the client closed or left.</summary>
    public async ValueTask<(byte Channel, byte[] Data)?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                buffer.Advance(result.Count);
                if (buffer.WrittenCount > MaxMessage)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "message too large", cancellationToken);
                    return null;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                Touch();
                var message = buffer.WrittenSpan;
                if (message.IsEmpty)
                {
                    buffer.ResetWrittenCount();
                    continue;
                }

                return result.MessageType == WebSocketMessageType.Text
                    ? ((byte)(message[0] - '0'), Convert.FromBase64String(Encoding.ASCII.GetString(message[1..])))
                    : (message[0], message[1..].ToArray());
            }
        }
        catch (Exception e) when (e is WebSocketException or FormatException or OperationCanceledException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _sendLock.Dispose();
        _idle.Dispose();
    }

    /// <summary>Restarts the idle clock; a message may still pass while the session is being torn down.</summary>
    private void Touch()
    {
        try
        {
            _idle.CancelAfter(_idleTimeout);
        }
        catch (ObjectDisposedException)
        {
            // The session is over.
        }
    }

    /// <summary>Gives the client a moment to read what is left and answer our close, since aborting the socket
    /// first would reset the connection and could discard the status the client has not read yet.</summary>
    public static async Task AwaitClientCloseAsync(Task receiving)
    {
        try
        {
            await receiving.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // The client does not answer; the caller aborts.
        }
    }

    /// <summary>Closes our side normally, ignoring a client that is already gone. Not tied to the session's token:
    /// a client that closed first (which cancels the session) still gets its close answered.</summary>
    public async Task CloseAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // Already gone.
        }
    }
}
