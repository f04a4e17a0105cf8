using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;

namespace Minato.Streaming.Spdy;

/// <summary>The server side of one SPDY/3.1 session over an upgraded HTTP/1.1 connection: frames in and out, streams
/// the client opens, PING, GOAWAY, flow control, idle timeout.</summary>
/// <remarks>
/// Flow control (SPDY/3.1 section 2.6.8): data we receive is returned to the client with WINDOW_UPDATE as it is
/// consumed. Data we send honours the client's stream and session windows only once the client shows it keeps them
/// (it sent SETTINGS or WINDOW_UPDATE). Go's spdystream, the kubelet's and kubectl's library, speaks the upgrade
/// token "SPDY/3.1" but never sends either frame; waiting for its windows would stall every output past 64 KiB, so
/// a silent client is sent data as fast as TCP takes it, and TCP's own window is its backpressure.
/// </remarks>
public sealed partial class SpdyConnection : IAsyncDisposable
{
    /// <summary>Largest DATA frame we send.</summary>
    public const int MaxDataFrame = 32 * 1024;

    /// <summary>Most streams open at once in one session.</summary>
    public const int MaxStreams = 256;

    private readonly Stream _transport;
    private readonly TimeSpan _idleTimeout;
    private readonly SpdyHeaderBlock _headers = new();
    private readonly Dictionary<int, SpdyStream> _streams = [];
    private readonly Channel<SpdyStream> _incoming = Channel.CreateBounded<SpdyStream>(64);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _frame = new(MaxDataFrame + SpdyFrame.HeaderLength);
    private readonly CancellationTokenSource _closed = new();
    private readonly CancellationTokenSource _idle = new();
    private readonly Lock _windowLock = new();
    private TaskCompletionSource _windowChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sessionSendWindow = SpdyFrame.DefaultWindow;
    private int _initialSendWindow = SpdyFrame.DefaultWindow;
    private int _sessionUnacknowledged;
    private bool _peerKeepsWindows;
    private int _lastStreamId;
    private int _goAwaySent;
    private int _ended;

    public SpdyConnection(Stream transport, TimeSpan idleTimeout)
    {
        _transport = transport;
        _idleTimeout = idleTimeout;
        _idle.CancelAfter(idleTimeout);
    }

    /// <summary>Streams in the order the client opens them; completes when the session ends.</summary>
    public ChannelReader<SpdyStream> IncomingStreams => _incoming.Reader;

    /// <summary>Cancelled when the session ends: client gone, GOAWAY, protocol error or idle timeout.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>How often a write found the client's window closed and waited for a WINDOW_UPDATE.</summary>
    internal int WindowWaits { get; private set; }

    /// <summary>Why the session ended, when it was not a clean close.</summary>
    public string? Failure { get; private set; }

    /// <summary>Reads frames until the session ends; never throws for what the client does.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.Token, _closed.Token);
        var reader = PipeReader.Create(_transport, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(stop.Token);
                var buffer = result.Buffer;
                while (SpdyFrameCodec.TryRead(ref buffer, out var frame))
                {
                    _idle.CancelAfter(_idleTimeout);
                    if (!await HandleAsync(frame!, stop.Token))
                    {
                        return;
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (SpdyProtocolException e)
        {
            Failure = e.Message;
            await GoAwayAsync(status: 1);
        }
        catch (OperationCanceledException) when (_idle.IsCancellationRequested)
        {
            Failure = "idle timeout";
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client went away or the daemon is stopping.
        }
        finally
        {
            await reader.CompleteAsync();
            End();
        }
    }

    /// <summary>Sends GOAWAY once (status 0 OK, 1 protocol error); the caller then disposes the connection.</summary>
    public async ValueTask GoAwayAsync(uint status = 0)
    {
        if (Interlocked.Exchange(ref _goAwaySent, 1) == 0)
        {
            await TryWriteAsync(f => SpdyFrameCodec.WriteTwoWords(f, SpdyFrameType.GoAway, (uint)Volatile.Read(ref _lastStreamId), status));
        }
    }

    public async ValueTask DisposeAsync()
    {
        End();
        await _transport.DisposeAsync();
        _idle.Dispose();
    }

    internal ValueTask SendReplyAsync(SpdyStream stream, CancellationToken cancellationToken) =>
        WriteAsync(f => SpdyFrameCodec.WriteStreamHeaders(f, SpdyFrameType.SynReply, stream.Id, _headers.Encode([]), fin: false), cancellationToken);

    internal ValueTask SendFinAsync(SpdyStream stream, CancellationToken cancellationToken) =>
        WriteAsync(f => SpdyFrameCodec.WriteData(f, stream.Id, [], fin: true), cancellationToken);

    internal async ValueTask SendDataAsync(SpdyStream stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stream.Aborted);
        while (!data.IsEmpty)
        {
            var count = await ReserveWindowAsync(stream, Math.Min(data.Length, MaxDataFrame), linked.Token);
            var chunk = data[..count];
            await WriteAsync(f => SpdyFrameCodec.WriteData(f, stream.Id, chunk.Span, fin: false), linked.Token);
            data = data[count..];
        }
    }

    /// <summary>The reader of <paramref name="stream"/> took <paramref name="count"/> bytes: give the window back.</summary>
    internal void Consumed(SpdyStream stream, int count)
    {
        int streamDelta = 0, sessionDelta = 0;
        lock (_windowLock)
        {
            stream.Unacknowledged += count;
            _sessionUnacknowledged += count;

            // Half a window at a time, as HTTP/2 implementations do, rather than a frame per read.
            if (stream.Unacknowledged >= SpdyFrame.DefaultWindow / 2 && !stream.RemoteClosed)
            {
                (streamDelta, stream.Unacknowledged) = (stream.Unacknowledged, 0);
            }

            if (_sessionUnacknowledged >= SpdyFrame.DefaultWindow / 2)
            {
                (sessionDelta, _sessionUnacknowledged) = (_sessionUnacknowledged, 0);
            }
        }

        if (streamDelta > 0 || sessionDelta > 0)
        {
            _ = TryWriteAsync(f =>
            {
                if (streamDelta > 0)
                {
                    SpdyFrameCodec.WriteTwoWords(f, SpdyFrameType.WindowUpdate, (uint)stream.Id, (uint)streamDelta);
                }

                if (sessionDelta > 0)
                {
                    SpdyFrameCodec.WriteTwoWords(f, SpdyFrameType.WindowUpdate, 0, (uint)sessionDelta);
                }
            }).AsTask();
        }
    }

    private async ValueTask WriteAsync(Action<ArrayBufferWriter<byte>> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            _frame.ResetWrittenCount();
            write(_frame);
            await _transport.WriteAsync(_frame.WrittenMemory, cancellationToken);
            await _transport.FlushAsync(cancellationToken);
            _idle.CancelAfter(_idleTimeout);
        }
        catch (ObjectDisposedException e)
        {
            throw new IOException("the SPDY connection is closed", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes a frame whose loss does not matter (the connection is going away anyway).</summary>
    private async ValueTask TryWriteAsync(Action<ArrayBufferWriter<byte>> write)
    {
        try
        {
            await WriteAsync(write, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Nothing to tell a client that is gone.
        }
    }

    private void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        _incoming.Writer.TryComplete();
        List<SpdyStream> streams;
        lock (_streams)
        {
            streams = [.. _streams.Values];
            _streams.Clear();
        }

        foreach (var stream in streams)
        {
            stream.Dispose();
        }

        _closed.Cancel();
        lock (_windowLock)
        {
            _windowChanged.TrySetResult();
        }
    }
}
