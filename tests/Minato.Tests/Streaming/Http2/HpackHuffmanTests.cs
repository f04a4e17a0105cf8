using System.Text;
using Minato.Streaming.Http2;
using static Minato.Tests.Streaming.Http2.Http2TestBytes;

namespace Minato.Tests.Streaming.Http2;

public sealed class HpackHuffmanTests
{
    // Codes as printed in RFC 7541 Appendix B, a few from every stretch of the table.
    [Theory]
    [InlineData(0, 0x1ff8u, 13)]
    [InlineData(1, 0x7fffd8u, 23)]
    [InlineData(9, 0xffffeau, 24)]
    [InlineData(10, 0x3ffffffcu, 30)]
    [InlineData(22, 0x3ffffffeu, 30)]
    [InlineData(31, 0xffffffbu, 28)]
    [InlineData(' ', 0x14u, 6)]
    [InlineData('/', 0x18u, 6)]
    [InlineData('0', 0x0u, 5)]
    [InlineData(':', 0x5cu, 7)]
    [InlineData('<', 0x7ffcu, 15)]
    [InlineData('\\', 0x7fff0u, 19)]
    [InlineData('t', 0x9u, 5)]
    [InlineData('z', 0x7bu, 7)]
    [InlineData('~', 0x1ffdu, 13)]
    [InlineData(127, 0xffffffcu, 28)]
    [InlineData(128, 0xfffe6u, 20)]
    [InlineData(153, 0x1fffdcu, 21)]
    [InlineData(192, 0x3ffffe0u, 26)]
    [InlineData(199, 0x1ffffecu, 25)]
    [InlineData(203, 0x7ffffdeu, 27)]
    [InlineData(220, 0xffffffdu, 28)]
    [InlineData(249, 0xffffffeu, 28)]
    [InlineData(254, 0x7fffff0u, 27)]
    [InlineData(255, 0x3ffffeeu, 26)]
    [InlineData(HpackHuffman.EndOfString, 0x3fffffffu, 30)]
    public void GetCode_SampledSymbols_MatchRfc7541AppendixB(int symbol, uint code, int length)
    {
        Assert.Equal((code, length), HpackHuffman.GetCode(symbol));
    }

    [Fact]
    public void GetCode_AllSymbols_FormACompletePrefixCode()
    {
        // Kraft equality: a complete code, which Decode relies on to always match within 30 bits.
        var total = Enumerable.Range(0, 257).Sum(symbol => 1L << (30 - HpackHuffman.GetCode(symbol).Length));

        Assert.Equal(1L << 30, total);
    }

    [Fact]
    public void Decode_EverySymbolAlone_RoundTrips()
    {
        for (var symbol = 0; symbol < 256; symbol++)
        {
            var decoded = Decode(Encode([(byte)symbol]));

            Assert.Equal([(byte)symbol], decoded);
        }
    }

    [Fact]
    public void Decode_AllSymbolsInOneString_RoundTrips()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).Reverse().ToArray();

        Assert.Equal(all, Decode(Encode(all)));
    }

    [Theory]
    [InlineData("f1e3 c2e5 f23a 6ba0 ab90 f4ff", "www.example.com")] // RFC 7541 C.4.1
    [InlineData("a8eb 1064 9cbf", "no-cache")] // C.4.2
    [InlineData("25a8 49e9 5ba9 7d7f", "custom-key")] // C.4.3
    [InlineData("6402", "302")] // C.6.1
    [InlineData("9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3", "https://www.example.com")] // C.6.1
    [InlineData("", "")]
    public void Decode_RfcExamples_MatchText(string hex, string text)
    {
        Assert.Equal(text, Encoding.ASCII.GetString(Decode(Hex(hex))));
    }

    [Theory]
    [InlineData("ffff ffff")] // EOS (30 ones) then two padding ones
    [InlineData("1fff ffff ff")] // 'a', then EOS inside the string
    public void Decode_Eos_Throws(string hex)
    {
        Assert.Throws<HpackDecodingException>(() => Decode(Hex(hex)));
    }

    [Theory]
    [InlineData("1fff")] // 'a' then 11 padding bits
    [InlineData("ff")] // 8 padding bits and no symbol
    public void Decode_PaddingLongerThanSevenBits_Throws(string hex)
    {
        Assert.Throws<HpackDecodingException>(() => Decode(Hex(hex)));
    }

    [Fact]
    public void Decode_PaddingNotAllOnes_Throws()
    {
        // 'a' (00011) then 000.
        Assert.Throws<HpackDecodingException>(() => Decode(Hex("18")));
    }

    [Fact]
    public void Decode_MoreOutputThanDestination_Throws()
    {
        var encoded = Hex("f1e3 c2e5 f23a 6ba0 ab90 f4ff");

        Assert.Throws<HpackDecodingException>(() => HpackHuffman.Decode(encoded, new byte[14]));
    }

    private static byte[] Decode(byte[] encoded)
    {
        var destination = new byte[HpackHuffman.GetMaxDecodedLength(encoded.Length)];
        var written = HpackHuffman.Decode(encoded, destination);
        return destination[..written];
    }

    // The encoder lives only here: the rewriter never Huffman-codes.
    private static byte[] Encode(byte[] text)
    {
        var output = new List<byte>();
        ulong bits = 0;
        var count = 0;
        foreach (var symbol in text)
        {
            var (code, length) = HpackHuffman.GetCode(symbol);
            bits = (bits << length) | code;
            count += length;
            while (count >= 8)
            {
                output.Add((byte)(bits >> (count - 8)));
                count -= 8;
            }
        }

        if (count > 0)
        {
            var padding = 8 - count;
            output.Add((byte)((bits << padding) | ((1u << padding) - 1)));
        }

        return [.. output];
    }
}
