using System.Buffers;

namespace Minato.Streaming.Http2;

/// <summary>
/// Rewrites the client-to-server bytes of one HTTP/2 connection: each header block is decoded against the
/// client's HPACK state, a path-like :authority becomes "localhost", and the block is re-encoded with
/// literals that leave the server's dynamic table empty. Every other frame is copied as it arrives.
/// </summary>
internal sealed class Http2InputRewriter : IDisposable
{
    private static ReadOnlySpan<byte> ClientPreface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;
    private static ReadOnlySpan<byte> AuthorityName => ":authority"u8;
    private static ReadOnlySpan<byte> Localhost => "localhost"u8;

    private readonly AuthorityRewriteLimits _limits;
    private readonly HpackDecoder _decoder;
    private readonly HeaderList _headers;
    private readonly byte[] _priority = new byte[Http2FrameHeader.PriorityFieldsLength];
    private State _state = State.Preface;
    private int _passThroughRemaining;

    // The header block being collected from HEADERS and CONTINUATION frames.
    private byte[] _block = [];
    private int _blockLength;
    private bool _inHeaderBlock;
    private int _blockStreamId;
    private byte _blockFlags;

    public Http2InputRewriter(AuthorityRewriteLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
        _decoder = new HpackDecoder(limits.MaxDynamicTableSize, limits.MaxHeaderListSize);
        _headers = new HeaderList(limits.MaxHeaderListSize);
    }

    private enum State
    {
        Preface,
        Frames,
        PassThroughAll,
    }

    /// <summary>How many :authority values have been replaced on this connection.</summary>
    public int RewrittenAuthorities { get; private set; }

    /// <summary>
    /// Writes to <paramref name="output"/> everything <paramref name="input"/> allows and returns how far the
    /// input was consumed; the rest (a partial frame header or header block frame) is needed again later.
    /// </summary>
    /// <exception cref="HpackDecodingException">A header block cannot be decoded.</exception>
    /// <exception cref="Http2FramingException">The frames break the rules a header block depends on.</exception>
    public SequencePosition Process(ReadOnlySequence<byte> input, IBufferWriter<byte> output)
    {
        var reader = new SequenceReader<byte>(input);
        var progress = true;
        while (progress)
        {
            progress = _state switch
            {
                State.Preface => TryPreface(ref reader, output),
                State.Frames => TryFrame(ref reader, output),
                _ => Copy(ref reader, (int)Math.Min(reader.Remaining, int.MaxValue), output) > 0,
            };
        }

        return reader.Position;
    }

    public void Dispose()
    {
        _decoder.Dispose();
        _headers.Dispose();
        if (_block.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_block);
            _block = [];
        }
    }

    private bool TryPreface(ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        Span<byte> seen = stackalloc byte[ClientPreface.Length];
        var available = (int)Math.Min(reader.Remaining, ClientPreface.Length);
        reader.TryCopyTo(seen[..available]);
        if (!seen[..available].SequenceEqual(ClientPreface[..available]))
        {
            // Not HTTP/2 with prior knowledge: hand everything to Kestrel as is and let it answer.
            _state = State.PassThroughAll;
            return true;
        }

        if (available < ClientPreface.Length)
        {
            return false;
        }

        Copy(ref reader, ClientPreface.Length, output);
        _state = State.Frames;
        return true;
    }

    private bool TryFrame(ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        if (_passThroughRemaining > 0)
        {
            var copied = Copy(ref reader, (int)Math.Min(_passThroughRemaining, reader.Remaining), output);
            _passThroughRemaining -= copied;
            return copied > 0;
        }

        Span<byte> headerBytes = stackalloc byte[Http2FrameHeader.Size];
        if (!reader.TryCopyTo(headerBytes))
        {
            return false;
        }

        var header = Http2FrameHeader.Read(headerBytes);
        if (_inHeaderBlock && (header.Type != Http2FrameHeader.TypeContinuation || header.StreamId != _blockStreamId))
        {
            // RFC 9113 section 6.10: nothing may come between HEADERS and its last CONTINUATION.
            throw new Http2FramingException($"Expected CONTINUATION on stream {_blockStreamId}, got frame type {header.Type} on stream {header.StreamId}.");
        }

        if (header.Type != Http2FrameHeader.TypeHeaders && !_inHeaderBlock)
        {
            // A stray CONTINUATION passes too: Kestrel rejects it itself.
            reader.Advance(Http2FrameHeader.Size);
            output.Write(headerBytes);
            _passThroughRemaining = header.Length;
            return true;
        }

        if (header.Length > _limits.MaxFrameSize)
        {
            // Kestrel would refuse it with FRAME_SIZE_ERROR; re-framing must not make it acceptable.
            throw new Http2FramingException($"Header frame of {header.Length} octets exceeds SETTINGS_MAX_FRAME_SIZE.");
        }

        if (_blockLength + header.Length > _limits.MaxHeaderBlockSize)
        {
            throw new Http2FramingException($"Header block exceeds {_limits.MaxHeaderBlockSize} octets.");
        }

        if (reader.Remaining < Http2FrameHeader.Size + header.Length)
        {
            return false;
        }

        reader.Advance(Http2FrameHeader.Size);
        AppendFragment(ref reader, header);
        if (header.HasFlag(Http2FrameHeader.FlagEndHeaders))
        {
            EmitHeaderBlock(output);
        }

        return true;
    }

    private void AppendFragment(ref SequenceReader<byte> reader, Http2FrameHeader header)
    {
        EnsureBlockCapacity(_blockLength + header.Length);
        var payload = _block.AsSpan(_blockLength, header.Length);
        reader.TryCopyTo(payload);
        reader.Advance(header.Length);
        if (header.Type == Http2FrameHeader.TypeContinuation)
        {
            _blockLength += payload.Length;
            return;
        }

        var fragment = payload;
        var padLength = 0;
        if (header.HasFlag(Http2FrameHeader.FlagPadded))
        {
            if (fragment.IsEmpty)
            {
                throw new Http2FramingException("PADDED HEADERS frame without a pad length.");
            }

            padLength = fragment[0];
            fragment = fragment[1..];
        }

        if (header.HasFlag(Http2FrameHeader.FlagPriority))
        {
            if (fragment.Length < Http2FrameHeader.PriorityFieldsLength)
            {
                throw new Http2FramingException("HEADERS frame too short for its priority fields.");
            }

            fragment[..Http2FrameHeader.PriorityFieldsLength].CopyTo(_priority);
            fragment = fragment[Http2FrameHeader.PriorityFieldsLength..];
        }

        if (padLength > fragment.Length)
        {
            // RFC 9113 section 6.2: padding as long as the payload is a PROTOCOL_ERROR.
            throw new Http2FramingException("HEADERS padding is longer than the frame payload.");
        }

        // Move the fragment down over the pad length and priority octets (the spans may overlap).
        fragment[..^padLength].CopyTo(payload);
        _blockLength += fragment.Length - padLength;
        _inHeaderBlock = true;
        _blockStreamId = header.StreamId;
        _blockFlags = (byte)(header.Flags & (Http2FrameHeader.FlagEndStream | Http2FrameHeader.FlagPriority));
    }

    private void EmitHeaderBlock(IBufferWriter<byte> output)
    {
        _headers.Clear();
        _decoder.Decode(_block.AsSpan(0, _blockLength), _headers);

        var encodedLength = 0;
        for (var i = 0; i < _headers.Count; i++)
        {
            encodedLength += HpackLiteralEncoder.GetEncodedLength(_headers.GetName(i), ValueToSend(i, out _));
        }

        var encoded = ArrayPool<byte>.Shared.Rent(encodedLength);
        try
        {
            var written = 0;
            for (var i = 0; i < _headers.Count; i++)
            {
                var value = ValueToSend(i, out var rewritten);
                RewrittenAuthorities += rewritten ? 1 : 0;
                written += HpackLiteralEncoder.Encode(_headers.GetName(i), value, _headers.IsNeverIndexed(i), encoded.AsSpan(written));
            }

            Http2HeaderFrameWriter.Write(output, _blockStreamId, _blockFlags, _priority, encoded.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(encoded);
        }

        _inHeaderBlock = false;
        _blockLength = 0;
    }

    private ReadOnlySpan<byte> ValueToSend(int index, out bool rewritten)
    {
        var value = _headers.GetValue(index);
        rewritten = _headers.GetName(index).SequenceEqual(AuthorityName) && !AuthorityRule.IsHostAndPort(value);
        return rewritten ? Localhost : value;
    }

    private void EnsureBlockCapacity(int size)
    {
        if (_block.Length >= size)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(size, 4096));
        _block.AsSpan(0, _blockLength).CopyTo(larger);
        if (_block.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_block);
        }

        _block = larger;
    }

    private static int Copy(ref SequenceReader<byte> reader, int count, IBufferWriter<byte> output)
    {
        foreach (var segment in reader.UnreadSequence.Slice(0, count))
        {
            output.Write(segment.Span);
        }

        reader.Advance(count);
        return count;
    }
}
