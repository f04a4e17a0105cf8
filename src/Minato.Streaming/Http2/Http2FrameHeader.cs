using System.Buffers.Binary;

namespace Minato.Streaming.Http2;

/// <summary>The 9-byte header in front of every HTTP/2 frame (RFC 9113 section 4.1).</summary>
internal readonly record struct Http2FrameHeader(int Length, byte Type, byte Flags, int StreamId)
{
    public const int Size = 9;

    public const byte TypeHeaders = 0x1;
    public const byte TypeContinuation = 0x9;

    public const byte FlagEndStream = 0x1;
    public const byte FlagEndHeaders = 0x4;
    public const byte FlagPadded = 0x8;
    public const byte FlagPriority = 0x20;

    /// <summary>Length of the stream dependency and weight carried by a HEADERS frame with PRIORITY.</summary>
    public const int PriorityFieldsLength = 5;

    /// <summary>The initial SETTINGS_MAX_FRAME_SIZE, which every peer must accept.</summary>
    public const int MinMaxFrameSize = 16384;

    public bool HasFlag(byte flag) => (Flags & flag) != 0;

    public static Http2FrameHeader Read(ReadOnlySpan<byte> source)
    {
        var length = (source[0] << 16) | (source[1] << 8) | source[2];
        // The top bit of the stream identifier is reserved and ignored on receipt.
        var streamId = (int)(BinaryPrimitives.ReadUInt32BigEndian(source[5..]) & 0x7FFF_FFFF);
        return new Http2FrameHeader(length, source[3], source[4], streamId);
    }

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)(Length >> 16);
        destination[1] = (byte)(Length >> 8);
        destination[2] = (byte)Length;
        destination[3] = Type;
        destination[4] = Flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], (uint)StreamId & 0x7FFF_FFFF);
    }
}
