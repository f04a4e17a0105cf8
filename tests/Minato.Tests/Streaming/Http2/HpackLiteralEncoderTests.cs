using System.Text;
using Minato.Streaming.Http2;

namespace Minato.Tests.Streaming.Http2;

public sealed class HpackLiteralEncoderTests
{
    [Fact]
    public void Encode_Fields_DecodeBackWithoutTouchingTheTable()
    {
        (string Name, string Value, bool NeverIndexed)[] fields =
        [
            (":authority", "localhost", false),
            ("authorization", "Bearer secret", true),
            ("x-long", new string('v', 300), false),
            ("x-empty", "", false),
        ];
        var block = new List<byte>();
        foreach (var (name, value, neverIndexed) in fields)
        {
            var buffer = new byte[HpackLiteralEncoder.GetEncodedLength(Ascii(name), Ascii(value))];
            var written = HpackLiteralEncoder.Encode(Ascii(name), Ascii(value), neverIndexed, buffer);
            Assert.Equal(buffer.Length, written);
            block.AddRange(buffer);
        }

        using var decoder = new HpackDecoder(4096, 65536);
        using var headers = new HeaderList(65536);
        decoder.Decode(block.ToArray(), headers);

        Assert.Equal(fields.Length, headers.Count);
        for (var i = 0; i < fields.Length; i++)
        {
            Assert.Equal(fields[i].Name, Encoding.ASCII.GetString(headers.GetName(i)));
            Assert.Equal(fields[i].Value, Encoding.ASCII.GetString(headers.GetValue(i)));
            Assert.Equal(fields[i].NeverIndexed, headers.IsNeverIndexed(i));
        }

        Assert.Equal(0, decoder.Table.Count);
    }

    [Fact]
    public void Encode_Field_UsesLiteralNameWithoutHuffman()
    {
        var buffer = new byte[16];

        var written = HpackLiteralEncoder.Encode("ab"u8, "c"u8, false, buffer);

        Assert.Equal("0002616201 63".Replace(" ", "", StringComparison.Ordinal), Convert.ToHexStringLower(buffer, 0, written));
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
