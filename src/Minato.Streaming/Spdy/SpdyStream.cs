using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;

namespace Minato.Streaming.Spdy;

/// <summary>One client-initiated SPDY stream: its headers, the data the client sends, and writes back to it.</summary>
[SuppressMessage("Naming", "CA1711", Justification = "SPDY's own noun (draft 3.1, section 2.3); AsStream gives the System.IO.Stream.")]
public sealed class SpdyStream : IDisposable
{
    /// <summary>Unread client data held before the session stops reading the socket (backpressure for clients,
    /// such as Go's spdystream, that ignore the flow-control window).</summary>
    private const long PauseThreshold = 256 * 1024;

    private readonly SpdyConnection _connection;
    private readonly Pipe _inbound = new(new PipeOptions(pauseWriterThreshold: PauseThreshold, resumeWriterThreshold: PauseThreshold / 2, useSynchronizationContext: false));
    private readonly CancellationTokenSource _reset = new();
    private readonly CancellationToken _aborted;
    private int _finSent;
    private int _disposed;

    internal SpdyStream(SpdyConnection connection, int id, IReadOnlyList<KeyValuePair<string, string>> headers, int sendWindow)
    {
        _connection = connection;
        Id = id;
        Headers = headers;
        SendWindow = sendWindow;
        _aborted = _reset.Token;
    }

    public int Id { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>Cancelled when the client resets the stream or the session ends.</summary>
    public CancellationToken Aborted => _aborted;

    /// <summary>Bytes the client still accepts on this stream; guarded by the connection's window lock.</summary>
    internal int SendWindow { get; set; }

    /// <summary>Client data consumed but not yet returned to the client with a WINDOW_UPDATE.</summary>
    internal int Unacknowledged { get; set; }

    internal bool RemoteClosed { get; private set; }

    internal bool LocalClosed => Volatile.Read(ref _finSent) != 0;

    /// <summary>The first value of header <paramref name="name"/> (SPDY joins repeated values with NUL).</summary>
    public string? Header(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (key == name)
            {
                var end = value.IndexOf('\0', StringComparison.Ordinal);
                return end < 0 ? value : value[..end];
            }
        }

        return null;
    }

    /// <summary>A stream over this SPDY stream: reads return the client's data, writes become DATA frames.</summary>
    public Stream AsStream(bool read, bool write) => new ChannelStream(
        read ? _inbound.Reader : null,
        write ? WriteAsync : null,
        read ? count => _connection.Consumed(this, count) : null);

    public ValueTask ReplyAsync(CancellationToken cancellationToken) => _connection.SendReplyAsync(this, cancellationToken);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        LocalClosed ? throw new IOException($"stream {Id} is already closed") : _connection.SendDataAsync(this, data, cancellationToken);

    /// <summary>Half-closes our side with an empty DATA frame carrying FIN; later calls do nothing.</summary>
    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _finSent, 1) == 0 && !_aborted.IsCancellationRequested)
        {
            await _connection.SendFinAsync(this, cancellationToken);
            if (RemoteClosed)
            {
                _connection.Retire(this);
            }
        }
    }

    /// <summary>Takes a DATA frame from the client; waits while the reader is far behind.</summary>
    internal async ValueTask DeliverAsync(byte[] data, bool fin, CancellationToken cancellationToken)
    {
        if (RemoteClosed)
        {
            return;
        }

        if (data.Length > 0)
        {
            await _inbound.Writer.WriteAsync(data, cancellationToken);
        }

        if (fin)
        {
            RemoteClosed = true;
            await _inbound.Writer.CompleteAsync();
        }
    }

    /// <summary>Ends the stream (client reset, both sides finished, session over): readers see end of stream, writers stop.</summary>
    /// <remarks>The token is cancelled before the source is disposed, so late registrations still run at once.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        RemoteClosed = true;
        Interlocked.Exchange(ref _finSent, 1);
        _inbound.Writer.Complete();
        _reset.Cancel();
        _reset.Dispose();
    }
}
