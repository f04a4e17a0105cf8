namespace Minato.Streaming.Spdy;

/// <summary>What each frame from the client does to the session.</summary>
public sealed partial class SpdyConnection
{
    /// <summary>Handles one frame; false when the session is over (GOAWAY).</summary>
    private async ValueTask<bool> HandleAsync(SpdyFrame frame, CancellationToken cancellationToken)
    {
        switch (frame.Type)
        {
            case SpdyFrameType.Data:
                await HandleDataAsync(frame, cancellationToken);
                return true;
            case SpdyFrameType.SynStream:
                await HandleSynStreamAsync(frame);
                return true;
            case SpdyFrameType.SynReply or SpdyFrameType.Headers:
                // Decoded only to keep the shared zlib context in step with the client's.
                _headers.Decode(frame.Payload.AsSpan(4));
                return true;
            case SpdyFrameType.RstStream:
                Remove(SpdyFrameCodec.ControlStreamId(frame))?.Dispose();
                return true;
            case SpdyFrameType.Settings:
                ApplySettings(frame);
                return true;
            case SpdyFrameType.Ping:
                // Client pings have odd ids; echo them. Ours would be even, and we send none.
                var id = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.Payload);
                if ((id & 1) == 1)
                {
                    await TryWriteAsync(f => SpdyFrameCodec.WritePing(f, id));
                }

                return true;
            case SpdyFrameType.GoAway:
                return false;
            case SpdyFrameType.WindowUpdate:
                ApplyWindowUpdate(SpdyFrameCodec.ControlStreamId(frame), (int)(SpdyFrameCodec.SecondWord(frame) & 0x7fff_ffff));
                return true;
            default:
                return true; // Unknown control frames are ignored (section 2.2.1).
        }
    }

    private async ValueTask HandleSynStreamAsync(SpdyFrame frame)
    {
        var id = SpdyFrameCodec.ControlStreamId(frame);
        var headers = _headers.Decode(frame.Payload.AsSpan(10));
        if (id % 2 == 0 || id <= _lastStreamId)
        {
            throw new SpdyProtocolException($"client opened stream {id} after {_lastStreamId}; ids must be odd and rising");
        }

        Volatile.Write(ref _lastStreamId, id);
        SpdyStream stream;
        lock (_streams)
        {
            if (_streams.Count >= MaxStreams)
            {
                stream = null!;
            }
            else
            {
                stream = new SpdyStream(this, id, headers, _initialSendWindow);
                _streams[id] = stream;
            }
        }

        if (stream is null || !_incoming.Writer.TryWrite(stream))
        {
            Remove(id);
            await TryWriteAsync(f => SpdyFrameCodec.WriteTwoWords(f, SpdyFrameType.RstStream, (uint)id, (uint)SpdyResetStatus.RefusedStream));
            return;
        }

        if (frame.IsFin)
        {
            await stream.DeliverAsync([], fin: true, CancellationToken.None);
        }
    }

    private async ValueTask HandleDataAsync(SpdyFrame frame, CancellationToken cancellationToken)
    {
        SpdyStream? stream;
        lock (_streams)
        {
            _streams.TryGetValue(frame.StreamId, out stream);
        }

        if (stream is null)
        {
            // Data for a stream we reset or finished; its window no longer matters, the session's does.
            Consumed(frame.Payload.Length);
            return;
        }

        await stream.DeliverAsync(frame.Payload, frame.IsFin, cancellationToken);
        if (frame.IsFin && stream.LocalClosed)
        {
            Retire(stream);
        }
    }

    /// <summary>Forgets a stream both sides have finished.</summary>
    internal void Retire(SpdyStream stream)
    {
        Remove(stream.Id);
        stream.Dispose();
    }

    private void Consumed(int count)
    {
        var delta = 0;
        lock (_windowLock)
        {
            _sessionUnacknowledged += count;
            if (_sessionUnacknowledged >= SpdyFrame.DefaultWindow / 2)
            {
                (delta, _sessionUnacknowledged) = (_sessionUnacknowledged, 0);
            }
        }

        if (delta > 0)
        {
            _ = TryWriteAsync(f => SpdyFrameCodec.WriteTwoWords(f, SpdyFrameType.WindowUpdate, 0, (uint)delta)).AsTask();
        }
    }

    private SpdyStream? Remove(int id)
    {
        lock (_streams)
        {
            return _streams.Remove(id, out var stream) ? stream : null;
        }
    }

    private void ApplySettings(SpdyFrame frame)
    {
        foreach (var (id, value) in SpdyFrameCodec.ReadSettings(frame))
        {
            if (id != SpdyFrame.SettingsInitialWindowSize || value > int.MaxValue)
            {
                continue;
            }

            lock (_windowLock)
            {
                // A new initial window moves every open stream's window by the difference (section 2.6.8).
                var delta = (int)value - _initialSendWindow;
                _initialSendWindow = (int)value;
                _peerKeepsWindows = true;
                lock (_streams)
                {
                    foreach (var stream in _streams.Values)
                    {
                        stream.SendWindow += delta;
                    }
                }

                SignalWindow();
            }
        }
    }

    private void ApplyWindowUpdate(int streamId, int delta)
    {
        lock (_windowLock)
        {
            _peerKeepsWindows = true;
            if (streamId == 0)
            {
                _sessionSendWindow = (int)Math.Min(int.MaxValue, (long)_sessionSendWindow + delta);
            }
            else
            {
                lock (_streams)
                {
                    if (_streams.TryGetValue(streamId, out var stream))
                    {
                        stream.SendWindow = (int)Math.Min(int.MaxValue, (long)stream.SendWindow + delta);
                    }
                }
            }

            SignalWindow();
        }
    }

    /// <summary>Waits until the client's windows admit at least one byte; takes up to <paramref name="wanted"/>.
    /// A client that has not shown it keeps windows gets everything at once (the windows are still counted, so
    /// they are right should it start keeping them).</summary>
    private async ValueTask<int> ReserveWindowAsync(SpdyStream stream, int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_windowLock)
            {
                var available = Math.Min(stream.SendWindow, _sessionSendWindow);
                if (available > 0 || !_peerKeepsWindows || _closed.IsCancellationRequested)
                {
                    var count = !_peerKeepsWindows || available <= 0 ? wanted : Math.Min(wanted, available);
                    stream.SendWindow -= count;
                    _sessionSendWindow -= count;
                    return count;
                }

                changed = _windowChanged.Task;
                WindowWaits++;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Wakes writers waiting for window; call with the window lock held.</summary>
    private void SignalWindow()
    {
        _windowChanged.TrySetResult();
        _windowChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
