using System.Buffers;
using System.Buffers.Binary;

namespace Minato.Streaming.Spdy;

/// <summary>Reads SPDY/3 frames from a byte sequence and writes them into a buffer.</summary>
/// <remarks>Every length from the wire is checked against <see cref="MaxPayload"/> before anything is allocated.</remarks>
internal static class SpdyFrameCodec
{
    /// <summary>Largest payload accepted. The 24-bit length allows 16 MiB; clients send 32 KiB data frames.</summary>
    public const int MaxPayload = 1024 * 1024;

    /// <summary>Parses one frame from the start of <paramref name="buffer"/>; false when it is not complete yet.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out SpdyFrame? frame)
    {
        frame = null;
        if (buffer.Length < SpdyFrame.HeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[SpdyFrame.HeaderLength];
        buffer.Slice(0, SpdyFrame.HeaderLength).CopyTo(header);
        var first = BinaryPrimitives.ReadUInt32BigEndian(header);
        var flags = header[4];
        var length = (header[5] << 16) | (header[6] << 8) | header[7];
        if (length > MaxPayload)
        {
            throw new SpdyProtocolException($"frame of {length} bytes is larger than the limit of {MaxPayload}");
        }

        if (buffer.Length < SpdyFrame.HeaderLength + length)
        {
            return false;
        }

        var payload = buffer.Slice(SpdyFrame.HeaderLength, length).ToArray();
        buffer = buffer.Slice(SpdyFrame.HeaderLength + length);
        if ((first & 0x8000_0000) == 0)
        {
            var streamId = (int)(first & 0x7fff_ffff);
            if (streamId == 0)
            {
                throw new SpdyProtocolException("data frame on stream 0");
            }

            frame = new SpdyFrame(SpdyFrameType.Data, streamId, flags, payload);
            return true;
        }

        var version = (first >> 16) & 0x7fff;
        if (version != SpdyFrame.Version)
        {
            throw new SpdyProtocolException($"control frame of SPDY version {version}; only 3 is spoken");
        }

        var type = (SpdyFrameType)(first & 0xffff);
        var minimum = MinimumPayload(type);
        if (payload.Length < minimum)
        {
            throw new SpdyProtocolException($"{type} frame of {payload.Length} bytes; it needs at least {minimum}");
        }

        frame = new SpdyFrame(type, 0, flags, payload);
        return true;
    }

    /// <summary>The 31-bit stream id at the start of a stream's control frame payload.</summary>
    public static int ControlStreamId(SpdyFrame frame) => (int)(BinaryPrimitives.ReadUInt32BigEndian(frame.Payload) & 0x7fff_ffff);

    /// <summary>The second 32-bit word of a payload (RST_STREAM status, GOAWAY status, WINDOW_UPDATE delta).</summary>
    public static uint SecondWord(SpdyFrame frame) => BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.AsSpan(4));

    /// <summary>SETTINGS entries: (id, value) pairs, each checked against the frame's length.</summary>
    public static IReadOnlyList<(int Id, uint Value)> ReadSettings(SpdyFrame frame)
    {
        var count = BinaryPrimitives.ReadUInt32BigEndian(frame.Payload);
        if (count > (uint)(frame.Payload.Length - 4) / 8)
        {
            throw new SpdyProtocolException($"SETTINGS announces {count} entries in {frame.Payload.Length} bytes");
        }

        var settings = new List<(int, uint)>((int)count);
        for (var i = 0; i < count; i++)
        {
            var entry = frame.Payload.AsSpan(4 + (i * 8));
            settings.Add(((int)(BinaryPrimitives.ReadUInt32BigEndian(entry) & 0x00ff_ffff), BinaryPrimitives.ReadUInt32BigEndian(entry[4..])));
        }

        return settings;
    }

    /// <summary>Writes a data frame for <paramref name="streamId"/>.</summary>
    public static void WriteData(IBufferWriter<byte> output, int streamId, ReadOnlySpan<byte> data, bool fin)
    {
        var span = output.GetSpan(SpdyFrame.HeaderLength + data.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)streamId & 0x7fff_ffff);
        WriteFlagsAndLength(span, fin ? SpdyFrame.FlagFin : (byte)0, data.Length);
        data.CopyTo(span[SpdyFrame.HeaderLength..]);
        output.Advance(SpdyFrame.HeaderLength + data.Length);
    }

    /// <summary>Writes SYN_REPLY or HEADERS: the stream id, then the compressed header block.</summary>
    public static void WriteStreamHeaders(IBufferWriter<byte> output, SpdyFrameType type, int streamId, ReadOnlySpan<byte> headerBlock, bool fin)
    {
        var span = WriteControlHeader(output, type, fin ? SpdyFrame.FlagFin : (byte)0, 4 + headerBlock.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)streamId & 0x7fff_ffff);
        headerBlock.CopyTo(span[4..]);
        output.Advance(SpdyFrame.HeaderLength + 4 + headerBlock.Length);
    }

    /// <summary>Writes SYN_STREAM: stream id, associated stream id, priority, slot, then the compressed header block.</summary>
    public static void WriteSynStream(IBufferWriter<byte> output, int streamId, ReadOnlySpan<byte> headerBlock, byte flags)
    {
        var span = WriteControlHeader(output, SpdyFrameType.SynStream, flags, 10 + headerBlock.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)streamId & 0x7fff_ffff);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], 0);
        span[8] = 0;
        span[9] = 0;
        headerBlock.CopyTo(span[10..]);
        output.Advance(SpdyFrame.HeaderLength + 10 + headerBlock.Length);
    }

    /// <summary>Writes a control frame of two 32-bit words: RST_STREAM, GOAWAY or WINDOW_UPDATE.</summary>
    public static void WriteTwoWords(IBufferWriter<byte> output, SpdyFrameType type, uint first, uint second)
    {
        var span = WriteControlHeader(output, type, 0, 8);
        BinaryPrimitives.WriteUInt32BigEndian(span, first);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], second);
        output.Advance(SpdyFrame.HeaderLength + 8);
    }

    /// <summary>Writes PING with <paramref name="id"/>.</summary>
    public static void WritePing(IBufferWriter<byte> output, uint id)
    {
        var span = WriteControlHeader(output, SpdyFrameType.Ping, 0, 4);
        BinaryPrimitives.WriteUInt32BigEndian(span, id);
        output.Advance(SpdyFrame.HeaderLength + 4);
    }

    /// <summary>Writes SETTINGS with the given (id, value) entries and no flags.</summary>
    public static void WriteSettings(IBufferWriter<byte> output, IReadOnlyList<(int Id, uint Value)> settings)
    {
        var span = WriteControlHeader(output, SpdyFrameType.Settings, 0, 4 + (8 * settings.Count));
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)settings.Count);
        for (var i = 0; i < settings.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[(4 + (i * 8))..], (uint)settings[i].Id & 0x00ff_ffff);
            BinaryPrimitives.WriteUInt32BigEndian(span[(8 + (i * 8))..], settings[i].Value);
        }

        output.Advance(SpdyFrame.HeaderLength + 4 + (8 * settings.Count));
    }

    private static int MinimumPayload(SpdyFrameType type) => type switch
    {
        SpdyFrameType.SynStream => 10,
        SpdyFrameType.SynReply or SpdyFrameType.Headers or SpdyFrameType.Settings or SpdyFrameType.Ping => 4,
        SpdyFrameType.RstStream or SpdyFrameType.GoAway or SpdyFrameType.WindowUpdate => 8,
        _ => 0,
    };

    /// <summary>Writes the control bit, version, type, flags and length; returns the span after the header.</summary>
    private static Span<byte> WriteControlHeader(IBufferWriter<byte> output, SpdyFrameType type, byte flags, int payloadLength)
    {
        if (payloadLength > 0xff_ffff)
        {
            throw new ArgumentOutOfRangeException(nameof(payloadLength), "a SPDY frame holds at most 16 MiB");
        }

        var span = output.GetSpan(SpdyFrame.HeaderLength + payloadLength);
        BinaryPrimitives.WriteUInt16BigEndian(span, 0x8000 | SpdyFrame.Version);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)type);
        WriteFlagsAndLength(span, flags, payloadLength);
        return span.Slice(SpdyFrame.HeaderLength, payloadLength);
    }

    private static void WriteFlagsAndLength(Span<byte> span, byte flags, int length)
    {
        span[4] = flags;
        span[5] = (byte)(length >> 16);
        span[6] = (byte)(length >> 8);
        span[7] = (byte)length;
    }
}
