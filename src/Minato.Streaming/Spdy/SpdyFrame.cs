namespace Minato.Streaming.Spdy;

/// <summary>SPDY/3 control frame types (draft 3.1, section 2.6).</summary>
internal enum SpdyFrameType : ushort
{
    Data = 0,
    SynStream = 1,
    SynReply = 2,
    RstStream = 3,
    Settings = 4,
    Ping = 6,
    GoAway = 7,
    Headers = 8,
    WindowUpdate = 9,
}

/// <summary>RST_STREAM status codes (section 2.4.2).</summary>
internal enum SpdyResetStatus
{
    ProtocolError = 1,
    InvalidStream = 2,
    RefusedStream = 3,
    UnsupportedVersion = 4,
    Cancel = 5,
    InternalError = 6,
    FlowControlError = 7,
    StreamInUse = 8,
    StreamAlreadyClosed = 9,
    FrameTooLarge = 11,
}

/// <summary>One SPDY frame as read from the wire: its header fields and its payload, owned by the frame.</summary>
/// <param name="Type">Control frame type, or <see cref="SpdyFrameType.Data"/>.</param>
/// <param name="StreamId">The data frame's stream; 0 for control frames (their stream id is in the payload).</param>
/// <param name="Flags">FLAG_FIN (0x01), FLAG_UNIDIRECTIONAL (0x02), or SETTINGS' clear flag.</param>
/// <param name="Payload">Everything after the 8-byte frame header.</param>
internal sealed record SpdyFrame(SpdyFrameType Type, int StreamId, byte Flags, byte[] Payload)
{
    public const byte FlagFin = 0x01;
    public const byte FlagUnidirectional = 0x02;

    /// <summary>The protocol version in every control frame header.</summary>
    public const ushort Version = 3;

    /// <summary>Bytes in a frame header.</summary>
    public const int HeaderLength = 8;

    /// <summary>SETTINGS_INITIAL_WINDOW_SIZE (section 2.6.4).</summary>
    public const int SettingsInitialWindowSize = 7;

    /// <summary>The window every stream and the session start with (SPDY/3.1, section 2.6.8).</summary>
    public const int DefaultWindow = 64 * 1024;

    public bool IsFin => (Flags & FlagFin) != 0;
}

/// <summary>The peer broke the SPDY framing rules; the session cannot continue.</summary>
internal sealed class SpdyProtocolException(string message) : Exception(message);
