using System.Net.WebSockets;
using System.Text;

namespace Minato.Testing.Streaming;

/// <summary>The Kubernetes channel framing from the client side of a <see cref="ClientWebSocket"/>.</summary>
public sealed class WebSocketTestChannels(WebSocket socket, bool base64 = false)
{
    public Task SendAsync(byte channel, byte[] data)
    {
        if (base64)
        {
            var text = (char)('0' + channel) + Convert.ToBase64String(data);
            return socket.SendAsync(Encoding.ASCII.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        }

        return socket.SendAsync((byte[])[channel, .. data], WebSocketMessageType.Binary, true, CancellationToken.None);
    }

    /// <summary>The next message as (channel, payload); (255, []) once the server closed.</summary>
    public async Task<(byte Channel, byte[] Data)> ReceiveAsync()
    {
        var message = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (255, []);
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                break;
            }
        }

        var bytes = message.ToArray();
        return base64
            ? ((byte)(bytes[0] - '0'), Convert.FromBase64String(Encoding.ASCII.GetString(bytes, 1, bytes.Length - 1)))
            : (bytes[0], bytes[1..]);
    }

    /// <summary>Collects every message per channel until the server closes.</summary>
    public async Task<Dictionary<byte, byte[]>> ReadUntilCloseAsync()
    {
        var channels = new Dictionary<byte, MemoryStream>();
        while (await ReceiveAsync() is var (channel, data) && !(channel == 255 && data.Length == 0))
        {
            if (!channels.TryGetValue(channel, out var stream))
            {
                channels[channel] = stream = new MemoryStream();
            }

            stream.Write(data);
        }

        return channels.ToDictionary(c => c.Key, c => c.Value.ToArray());
    }
}
