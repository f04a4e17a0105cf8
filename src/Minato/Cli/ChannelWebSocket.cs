using System.Net.WebSockets;

namespace Minato.Cli;

/// <summary>The client end of the Kubernetes channel framing on a WebSocket: each message starts with its channel byte.</summary>
/// <remarks>The streaming server sends binary messages; a long one may arrive in fragments, and only the first starts
/// with the channel, so <see cref="ReceiveAsync"/> hands out fragments with the channel of their message.</remarks>
internal sealed class ChannelWebSocket : IDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private bool _atMessageStart = true;
    private byte _channel;

    private ChannelWebSocket(ClientWebSocket socket) => _socket = socket;

    /// <summary>Opens the streaming <paramref name="url"/> (http:// as the RPCs return it) with <paramref name="protocol"/>.</summary>
    /// <exception cref="CliException">The server refused the connection or the subprotocol.</exception>
    public static async Task<ChannelWebSocket> ConnectAsync(string url, string protocol, CancellationToken cancellationToken)
    {
        var uri = new UriBuilder(url);
        uri.Scheme = uri.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(protocol);
        try
        {
            await socket.ConnectAsync(uri.Uri, cancellationToken);
            if (socket.SubProtocol != protocol)
            {
                throw new CliException($"the streaming server does not speak {protocol}");
            }

            return new ChannelWebSocket(socket);
        }
        catch (WebSocketException e)
        {
            socket.Dispose();
            throw new CliException($"cannot open the stream at {uri.Uri.GetLeftPart(UriPartial.Authority)}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="data"/> on <paramref name="channel"/> as one message; safe to call from several tasks.</summary>
    public async Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var message = new byte[data.Length + 1];
        message[0] = channel;
        data.Span.CopyTo(message.AsSpan(1));
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The next fragment as its channel and the part of <paramref name="buffer"/> it fills; null once the server
    /// closed (our close is sent back).</summary>
    /// <exception cref="WebSocketException">The connection broke.</exception>
    public async Task<(byte Channel, ReadOnlyMemory<byte> Data)?> ReceiveAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await CloseAsync();
                return null;
            }

            var data = buffer.AsMemory(0, result.Count);
            if (_atMessageStart && !data.IsEmpty)
            {
                _channel = data.Span[0];
                data = data[1..];
                _atMessageStart = false;
            }

            _atMessageStart |= result.EndOfMessage;
            if (!data.IsEmpty)
            {
                return (_channel, data);
            }
        }
    }

    /// <summary>Closes our side normally; a server that is already gone is no error.</summary>
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

    public void Dispose()
    {
        _socket.Dispose();
        _sendLock.Dispose();
    }
}
