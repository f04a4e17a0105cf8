using Minato.Streaming.Http2;
using static Minato.Tests.Streaming.Http2.Http2TestBytes;

namespace Minato.Tests.Streaming.Http2;

public sealed class HpackIntegerTests
{
    [Theory]
    [InlineData(10, 5, "0a")] // RFC 7541 C.1.1
    [InlineData(1337, 5, "1f9a0a")] // C.1.2
    [InlineData(42, 8, "2a")] // C.1.3
    [InlineData(31, 5, "1f00")]
    [InlineData(127, 7, "7f00")]
    [InlineData(int.MaxValue, 7, "7f80ffffff07")]
    public void Encode_RfcExamples_MatchAndDecodeBack(int value, int prefixBits, string hex)
    {
        var buffer = new byte[8];
        var written = HpackInteger.Encode(value, prefixBits, 0, buffer);

        Assert.Equal(hex, Convert.ToHexStringLower(buffer, 0, written));
        Assert.Equal(written, HpackInteger.GetEncodedLength(value, prefixBits));
        var position = 0;
        Assert.Equal(value, HpackInteger.Decode(buffer.AsSpan(0, written), ref position, prefixBits));
        Assert.Equal(written, position);
    }

    [Fact]
    public void Decode_FlagBitsAbovePrefix_AreIgnored()
    {
        var position = 0;

        Assert.Equal(10, HpackInteger.Decode(Hex("ea"), ref position, 5));
    }

    [Theory]
    [InlineData("7fffffffff0f")] // 127 + 0x7f * (1 + 2^7 + 2^14 + 2^21) + 15 * 2^28 > int.MaxValue
    [InlineData("7f8080808080808001")] // zero-padded continuation octets beyond 31 bits
    public void Decode_Overflow_Throws(string hex)
    {
        var position = 0;

        Assert.Throws<HpackDecodingException>(() => HpackInteger.Decode(Hex(hex), ref position, 7));
    }

    [Theory]
    [InlineData("")]
    [InlineData("7f")]
    [InlineData("7f80")]
    public void Decode_Truncated_Throws(string hex)
    {
        var position = 0;

        Assert.Throws<HpackDecodingException>(() => HpackInteger.Decode(Hex(hex), ref position, 7));
    }
}
