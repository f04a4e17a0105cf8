using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace Minato.Testing.Streaming;

/// <summary>A SPDY/3.1 client for tests, written apart from the server: HTTP upgrade, its own framing and header
/// codec, streams it opens with a <c>streamtype</c>, and (optionally) flow control like a conforming peer.</summary>
public sealed class SpdyTestClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _network;
    private readonly SpdyTestHeaders _headers = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<int, SpdyTestChannel> _streams = new();
    private readonly bool _flowControl;
    private readonly Task _reading;
    private int _nextStreamId = 1;

    private SpdyTestClient(TcpClient tcp, NetworkStream network, int status, Dictionary<string, string> headers, byte[] leftover, bool flowControl)
    {
        _tcp = tcp;
        _network = network;
        StatusCode = status;
        ResponseHeaders = headers;
        _flowControl = flowControl;
        _reading = status == 101 ? ReadLoopAsync(leftover) : Task.CompletedTask;
    }

    /// <summary>The HTTP status of the upgrade response (101 when the server switched to SPDY).</summary>
    public int StatusCode { get; }

    /// <summary>Response headers, names lowercased.</summary>
    public IReadOnlyDictionary<string, string> ResponseHeaders { get; }

    /// <summary>The negotiated subprotocol, if any.</summary>
    public string? Protocol => ResponseHeaders.GetValueOrDefault("x-stream-protocol-version");

    /// <summary>Set when the server sent GOAWAY.</summary>
    public bool GoneAway { get; private set; }

    /// <summary>Completes when the server closed the connection.</summary>
    public Task Closed => _reading;

    /// <summary>Upgrades <paramref name="url"/> to SPDY/3.1 offering <paramref name="protocols"/>. With
    /// <paramref name="initialWindow"/> the client keeps flow control: it announces that window in SETTINGS and
    /// returns window only as the test reads.</summary>
    public static async Task<SpdyTestClient> ConnectAsync(Uri url, IEnumerable<string> protocols, int? initialWindow = null, CancellationToken cancellationToken = default)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port, cancellationToken);
        var network = tcp.GetStream();
        var request = new StringBuilder($"POST {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n");
        foreach (var protocol in protocols)
        {
            request.Append($"X-Stream-Protocol-Version: {protocol}\r\n");
        }

        request.Append("Content-Length: 0\r\n\r\n");
        await network.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellationToken);

        var received = new List<byte>();
        var buffer = new byte[4096];
        int end;
        while ((end = IndexOfHeaderEnd(received)) < 0)
        {
            var count = await network.ReadAsync(buffer, cancellationToken);
            if (count == 0)
            {
                throw new IOException("server closed the connection during the upgrade");
            }

            received.AddRange(buffer.AsSpan(0, count));
        }

        var lines = Encoding.ASCII.GetString([.. received.Take(end)]).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Where(l => l.Contains(':', StringComparison.Ordinal))
            .GroupBy(l => l[..l.IndexOf(':', StringComparison.Ordinal)].Trim().ToLowerInvariant())
            .ToDictionary(g => g.Key, g => string.Join(",", g.Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())));
        var client = new SpdyTestClient(tcp, network, status, headers, [.. received.Skip(end + 4)], initialWindow is not null);
        if (initialWindow is { } window && status == 101)
        {
            var settings = new byte[12];
            BinaryPrimitives.WriteUInt32BigEndian(settings, 1);
            BinaryPrimitives.WriteUInt32BigEndian(settings.AsSpan(4), 7);
            BinaryPrimitives.WriteUInt32BigEndian(settings.AsSpan(8), (uint)window);
            await client.WriteControlAsync(4, 0, settings);
        }

        return client;
    }

    /// <summary>Opens a stream with <c>streamtype</c> and any further headers.</summary>
    public async Task<SpdyTestChannel> OpenStreamAsync(string streamType, params (string Name, string Value)[] extra)
    {
        var id = Interlocked.Add(ref _nextStreamId, 2) - 2;
        var stream = new SpdyTestChannel(this, id);
        _streams[id] = stream;
        var block = _headers.Compress([("streamtype", streamType), .. extra]);
        var payload = new byte[10 + block.Length];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)id);
        block.CopyTo(payload, 10);
        await WriteControlAsync(1, 0, payload);
        return stream;
    }

    /// <summary>Sends a PING with an odd (client) id.</summary>
    public Task PingAsync(uint id)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, id);
        return WriteControlAsync(6, 0, payload);
    }

    /// <summary>Drops the TCP connection without any goodbye, like a client that crashed.</summary>
    public void Abort() => _tcp.Client.Close(0);

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
        }

        _writeLock.Dispose();
    }

    internal Task SendDataAsync(int streamId, ReadOnlyMemory<byte> data, bool fin)
    {
        var frame = new byte[8 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)streamId);
        frame[4] = fin ? (byte)1 : (byte)0;
        WriteLength(frame, data.Length);
        data.Span.CopyTo(frame.AsSpan(8));
        return WriteAsync(frame);
    }

    internal async Task WindowUpdateAsync(int streamId, int delta)
    {
        if (!_flowControl)
        {
            return;
        }

        var payload = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)streamId);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(4), (uint)delta);
        try
        {
            await WriteControlAsync(9, 0, payload);
            BinaryPrimitives.WriteUInt32BigEndian(payload, 0);
            await WriteControlAsync(9, 0, payload);
        }
        catch (IOException)
        {
            // The server may close right after the last data; the window no longer matters.
        }
    }

    internal Task ResetAsync(int streamId)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)streamId);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(4), 5);
        return WriteControlAsync(3, 0, payload);
    }

    private Task WriteControlAsync(ushort type, byte flags, byte[] payload)
    {
        var frame = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, 0x8003);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), type);
        frame[4] = flags;
        WriteLength(frame, payload.Length);
        payload.CopyTo(frame, 8);
        return WriteAsync(frame);
    }

    private async Task WriteAsync(byte[] frame)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _network.WriteAsync(frame);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync(byte[] leftover)
    {
        var input = new BufferedPrefixReader(_network, leftover);
        try
        {
            while (await input.ReadExactlyAsync(8) is { } header)
            {
                var length = (header[5] << 16) | (header[6] << 8) | header[7];
                var payload = await input.ReadExactlyAsync(length) ?? throw new IOException("truncated frame");
                var fin = (header[4] & 1) != 0;
                if ((header[0] & 0x80) == 0)
                {
                    var id = (int)(BinaryPrimitives.ReadUInt32BigEndian(header) & 0x7fffffff);
                    if (_streams.TryGetValue(id, out var stream))
                    {
                        stream.Receive(payload, fin);
                    }

                    continue;
                }

                var type = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2));
                var streamId = length >= 4 ? (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffff) : 0;
                switch (type)
                {
                    case 2: // SYN_REPLY
                        _headers.Decompress(payload[4..]);
                        if (_streams.TryGetValue(streamId, out var replied))
                        {
                            replied.MarkReplied(fin);
                        }

                        break;
                    case 3: // RST_STREAM
                        if (_streams.TryGetValue(streamId, out var reset))
                        {
                            reset.MarkReset();
                        }

                        break;
                    case 6: // PING echo
                        Pongs.Add(BinaryPrimitives.ReadUInt32BigEndian(payload));
                        break;
                    case 7:
                        GoneAway = true;
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // Connection closed.
        }
        finally
        {
            foreach (var stream in _streams.Values)
            {
                stream.MarkReset();
            }
        }
    }

    /// <summary>PING ids the server echoed.</summary>
    public ConcurrentBag<uint> Pongs { get; } = [];

    private static void WriteLength(byte[] frame, int length)
    {
        frame[5] = (byte)(length >> 16);
        frame[6] = (byte)(length >> 8);
        frame[7] = (byte)length;
    }

    private static int IndexOfHeaderEnd(List<byte> data)
    {
        for (var i = 0; i + 3 < data.Count; i++)
        {
            if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Reads exact counts from a stream, starting with bytes read past the HTTP response.</summary>
    private sealed class BufferedPrefixReader(Stream stream, byte[] prefix)
    {
        private int _prefixOffset;

        public async Task<byte[]?> ReadExactlyAsync(int count)
        {
            var result = new byte[count];
            var filled = Math.Min(count, prefix.Length - _prefixOffset);
            prefix.AsSpan(_prefixOffset, filled).CopyTo(result);
            _prefixOffset += filled;
            while (filled < count)
            {
                var read = await stream.ReadAsync(result.AsMemory(filled));
                if (read == 0)
                {
                    return null;
                }

                filled += read;
            }

            return result;
        }
    }
}
