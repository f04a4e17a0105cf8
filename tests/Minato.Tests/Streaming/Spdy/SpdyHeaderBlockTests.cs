using System.Buffers.Binary;
using System.IO.Compression;
using Minato.Streaming.Spdy;

namespace Minato.Tests.Streaming.Spdy;

public sealed class SpdyHeaderBlockTests
{
    // Two consecutive blocks of one zlib stream made by C zlib (level 9, the SPDY dictionary, Z_SYNC_FLUSH after
    // each block), the way Go's SPDY framer writes them: the second block refers back into the first.
    private const string FirstBlock = "78f9e3c6a7c202253a703a2b294a4dcc851625c0149b920f2e8881e5721198b630b03000d29c459078cc04a56f460300000000ffff";
    private const string SecondBlock = "c2aa9b3515144d843503000000ffff";

    [Fact]
    public void Dictionary_Bytes_MatchTheSpecLengthAndChecksum()
    {
        Assert.Equal(1423, SpdyDictionary.Bytes.Length);
        Assert.Equal(0xe3c6a7c2u, Adler32(SpdyDictionary.Bytes));
    }

    [Fact]
    public void Decode_BlocksFromCZlibWithDictionary_ReturnsHeadersInOrder()
    {
        var codec = new SpdyHeaderBlock();

        var first = codec.Decode(Convert.FromHexString(FirstBlock));
        var second = codec.Decode(Convert.FromHexString(SecondBlock));

        Assert.Equal([new("streamtype", "stdout"), new("port", "8080"), new("requestid", "0")], first);
        Assert.Equal([new("streamtype", "error"), new("port", "8080"), new("requestid", "0")], second);
    }

    [Fact]
    public void Encode_ThenDecodeWithAFreshPeer_RoundTripsEveryBlock()
    {
        var sender = new SpdyHeaderBlock();
        var receiver = new SpdyHeaderBlock();

        for (var i = 0; i < 3; i++)
        {
            var block = sender.Encode([new("StreamType", "stdin"), new("x-stream-protocol-version", "v4.channel.k8s.io" + i)]);
            var decoded = receiver.Decode(block);
            Assert.Equal([new("streamtype", "stdin"), new("x-stream-protocol-version", "v4.channel.k8s.io" + i)], decoded);
        }
    }

    [Fact]
    public void Encode_FirstBlock_CarriesTheDictionaryIdAndEndsByteAligned()
    {
        var block = new SpdyHeaderBlock().Encode([]);

        Assert.Equal(0x78, block[0]);
        Assert.NotEqual(0, block[1] & 0x20);
        Assert.Equal(0xe3c6a7c2u, BinaryPrimitives.ReadUInt32BigEndian(block.AsSpan(2)));
        Assert.Equal([0x00, 0x04, 0x00, 0xfb, 0xff, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0xff, 0xff], block[6..]);
    }

    [Fact]
    public void Encode_EveryBlock_EndsWithTheSyncFlushMarker()
    {
        // Go's compress/flate returns a block's bytes only when it reads this empty stored block; without it kubectl
        // parsed the first SYN_REPLY of a session and timed out waiting for the second.
        var codec = new SpdyHeaderBlock();

        for (var i = 0; i < 3; i++)
        {
            var block = codec.Encode([new("streamtype", "stdout")]);
            Assert.Equal([0x00, 0x00, 0x00, 0xff, 0xff], block[^5..]);
        }
    }

    [Fact]
    public void Decode_PairCountBeyondTheLimit_Throws()
    {
        var plain = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(plain, SpdyHeaderBlock.MaxPairs + 1);

        Assert.Throws<SpdyProtocolException>(() => SpdyHeaderBlock.Parse(plain));
    }

    [Fact]
    public void Decode_NameLengthOverrunningTheBlock_Throws()
    {
        byte[] plain = [0, 0, 0, 1, 0x7f, 0xff, 0xff, 0xff, (byte)'a'];

        Assert.Throws<SpdyProtocolException>(() => SpdyHeaderBlock.Parse(plain));
    }

    [Fact]
    public void Decode_UppercaseName_Throws()
    {
        byte[] plain = [0, 0, 0, 1, 0, 0, 0, 1, (byte)'A', 0, 0, 0, 0];

        Assert.Throws<SpdyProtocolException>(() => SpdyHeaderBlock.Parse(plain));
    }

    [Fact]
    public void Decode_TrailingBytes_Throws()
    {
        byte[] plain = [0, 0, 0, 0, 1];

        Assert.Throws<SpdyProtocolException>(() => SpdyHeaderBlock.Parse(plain));
    }

    [Fact]
    public void Decode_NotZlib_Throws()
    {
        Assert.Throws<SpdyProtocolException>(() => new SpdyHeaderBlock().Decode([0xff, 0xff, 0xff, 0xff, 0xff]));
    }

    [Fact]
    public void Decode_BombLargerThanTheLimit_Throws()
    {
        // A megabyte of zeros compresses to about a kilobyte; the decoder must stop at its limit.
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[1024 * 1024]);
        }

        Assert.Throws<SpdyProtocolException>(() => new SpdyHeaderBlock().Decode(compressed.ToArray()));
    }

    private static uint Adler32(byte[] data)
    {
        uint a = 1, b = 0;
        foreach (var value in data)
        {
            a = (a + value) % 65521;
            b = (b + a) % 65521;
        }

        return (b << 16) | a;
    }
}
