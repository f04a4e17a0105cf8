using System.Buffers.Binary;
using System.Text;

namespace Minato.Tests.Streaming.Http2;

/// <summary>Builds HTTP/2 and HPACK bytes by hand, independently of the code under test.</summary>
internal static class Http2TestBytes
{
    public const byte Data = 0x0, Headers = 0x1, Priority = 0x2, RstStream = 0x3, Settings = 0x4, Ping = 0x6, GoAway = 0x7, WindowUpdate = 0x8, Continuation = 0x9;
    public const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4, Padded = 0x8, PriorityFlag = 0x20;

    public static byte[] Preface { get; } = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();

    public static byte[] Frame(byte type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        return frame;
    }

    /// <summary>A string literal without Huffman coding; lengths below 127 only, to stay trivially right.</summary>
    public static byte[] String(string text)
    {
        Assert.True(text.Length < 127);
        return Concat([(byte)text.Length], Ascii(text));
    }

    /// <summary>Literal header field without indexing, literal name (RFC 7541 section 6.2.2): what the rewriter emits.</summary>
    public static byte[] Literal(string name, string value) => Concat([0x00], String(name), String(value));

    /// <summary>Literal with incremental indexing and an indexed name (section 6.2.1), as grpc-go sends :authority.</summary>
    public static byte[] IndexedNameWithIndexing(byte nameIndex, string value)
    {
        Assert.True(nameIndex < 63);
        return Concat([(byte)(0x40 | nameIndex)], String(value));
    }

    public static byte[] RequestBlock(string authority) =>
        Concat([0x82, 0x86, 0x84], IndexedNameWithIndexing(1, authority));

    public static byte[] ExpectedRequestBlock(string authority) =>
        Concat(Literal(":method", "GET"), Literal(":scheme", "http"), Literal(":path", "/"), Literal(":authority", authority));
}
