using System.Text;
using Minato.Streaming.Http2;
using static Minato.Tests.Streaming.Http2.Http2TestBytes;

namespace Minato.Tests.Streaming.Http2;

public sealed class HpackDecoderTests
{
    private const string Date1 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private const string Date2 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private const string Cookie = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    [Fact]
    public void Decode_C21LiteralWithIndexing_AddsEntry()
    {
        using var decoder = new HpackDecoder(4096, 65536);

        var fields = Decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572");

        Assert.Equal([("custom-key", "custom-header")], fields);
        Assert.Equal([("custom-key", "custom-header")], Entries(decoder.Table));
        Assert.Equal(55, decoder.Table.Size);
    }

    [Fact]
    public void Decode_C22LiteralWithoutIndexing_LeavesTableEmpty()
    {
        using var decoder = new HpackDecoder(4096, 65536);

        Assert.Equal([(":path", "/sample/path")], Decode(decoder, "040c 2f73 616d 706c 652f 7061 7468"));
        Assert.Equal(0, decoder.Table.Count);
    }

    [Fact]
    public void Decode_C23NeverIndexed_IsMarkedAndLeavesTableEmpty()
    {
        using var decoder = new HpackDecoder(4096, 65536);
        using var headers = new HeaderList(65536);

        decoder.Decode(Hex("1008 7061 7373 776f 7264 0673 6563 7265 74"), headers);

        Assert.Equal("password", Encoding.ASCII.GetString(headers.GetName(0)));
        Assert.Equal("secret", Encoding.ASCII.GetString(headers.GetValue(0)));
        Assert.True(headers.IsNeverIndexed(0));
        Assert.Equal(0, decoder.Table.Count);
    }

    [Fact]
    public void Decode_C24Indexed_ReadsStaticTable()
    {
        using var decoder = new HpackDecoder(4096, 65536);

        Assert.Equal([(":method", "GET")], Decode(decoder, "82"));
    }

    public static TheoryData<string[]> RequestSequences => new()
    {
        // C.3, without Huffman coding.
        new[] { "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", "8286 84be 5808 6e6f 2d63 6163 6865", "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65" },
        // C.4, the same with Huffman coding.
        new[] { "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", "8286 84be 5886 a8eb 1064 9cbf", "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf" },
    };

    [Theory]
    [MemberData(nameof(RequestSequences))]
    public void Decode_C3AndC4Requests_MatchRfcListsAndTables(string[] blocks)
    {
        using var decoder = new HpackDecoder(4096, 65536);
        (string, string)[] common = [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")];

        Assert.Equal(common, Decode(decoder, blocks[0]));
        Assert.Equal(57, decoder.Table.Size);

        Assert.Equal([.. common, ("cache-control", "no-cache")], Decode(decoder, blocks[1]));
        Assert.Equal([("cache-control", "no-cache"), (":authority", "www.example.com")], Entries(decoder.Table));
        Assert.Equal(110, decoder.Table.Size);

        Assert.Equal(
            [(":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value")],
            Decode(decoder, blocks[2]));
        Assert.Equal([("custom-key", "custom-value"), ("cache-control", "no-cache"), (":authority", "www.example.com")], Entries(decoder.Table));
        Assert.Equal(164, decoder.Table.Size);
    }

    public static TheoryData<string[]> ResponseSequences => new()
    {
        // C.5, without Huffman coding.
        new[]
        {
            "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            "4803 3330 37c1 c0bf",
            "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31",
        },
        // C.6, the same with Huffman coding.
        new[]
        {
            "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
            "4883 640e ffc1 c0bf",
            "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
        },
    };

    [Theory]
    [MemberData(nameof(ResponseSequences))]
    public void Decode_C5AndC6ResponsesWith256OctetTable_EvictAsRfcShows(string[] blocks)
    {
        using var decoder = new HpackDecoder(256, 65536);

        Assert.Equal(
            [(":status", "302"), ("cache-control", "private"), ("date", Date1), ("location", "https://www.example.com")],
            Decode(decoder, blocks[0]));
        Assert.Equal(
            [("location", "https://www.example.com"), ("date", Date1), ("cache-control", "private"), (":status", "302")],
            Entries(decoder.Table));
        Assert.Equal(222, decoder.Table.Size);

        Assert.Equal(
            [(":status", "307"), ("cache-control", "private"), ("date", Date1), ("location", "https://www.example.com")],
            Decode(decoder, blocks[1]));
        Assert.Equal(
            [(":status", "307"), ("location", "https://www.example.com"), ("date", Date1), ("cache-control", "private")],
            Entries(decoder.Table));
        Assert.Equal(222, decoder.Table.Size);

        Assert.Equal(
            [(":status", "200"), ("cache-control", "private"), ("date", Date2), ("location", "https://www.example.com"), ("content-encoding", "gzip"), ("set-cookie", Cookie)],
            Decode(decoder, blocks[2]));
        Assert.Equal([("set-cookie", Cookie), ("content-encoding", "gzip"), ("date", Date2)], Entries(decoder.Table));
        Assert.Equal(215, decoder.Table.Size);
    }

    [Fact]
    public void Decode_SizeUpdate_EvictsOldestAndLaterGrowsBack()
    {
        using var decoder = new HpackDecoder(4096, 65536);
        Decode(decoder, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d");
        Decode(decoder, "8286 84be 5808 6e6f 2d63 6163 6865");

        // 0x3f 0x22: size update to 31 + 34 = 65, which keeps only the newest entry (53 octets).
        Assert.Equal([(":method", "GET")], Decode(decoder, "3f22 82"));
        Assert.Equal([("cache-control", "no-cache")], Entries(decoder.Table));
        Assert.Equal(65, decoder.Table.MaxSize);

        // Two updates in one block (to 0, then back to 4096), as RFC 7541 section 4.2 allows.
        Decode(decoder, "20 3fe1 1f");
        Assert.Equal(0, decoder.Table.Count);
        Assert.Equal(4096, decoder.Table.MaxSize);
    }

    [Fact]
    public void Decode_SizeUpdateAboveAdvertisedLimit_Throws()
    {
        using var decoder = new HpackDecoder(4096, 65536);

        Assert.Throws<HpackDecodingException>(() => Decode(decoder, "3fe2 1f")); // 4097
    }

    [Fact]
    public void Decode_SizeUpdateAfterField_Throws()
    {
        using var decoder = new HpackDecoder(4096, 65536);

        Assert.Throws<HpackDecodingException>(() => Decode(decoder, "82 20"));
    }

    [Theory]
    [InlineData("80")] // index 0
    [InlineData("be")] // 62, but the dynamic table is empty
    [InlineData("7e01 61")] // literal naming dynamic index 62
    [InlineData("ffff ffff ff0f")] // index overflowing 31 bits
    public void Decode_BadIndex_Throws(string hex)
    {
        using var decoder = new HpackDecoder(4096, 65536);

        Assert.Throws<HpackDecodingException>(() => Decode(decoder, hex));
    }

    [Theory]
    [InlineData("0003 61")] // name shorter than its length
    [InlineData("0001 61")] // no value
    [InlineData("0001 6103 6263")] // value shorter than its length
    [InlineData("0081 ff01 61")] // Huffman name that is only padding (8 bits)
    public void Decode_MalformedLiteral_Throws(string hex)
    {
        using var decoder = new HpackDecoder(4096, 65536);

        Assert.Throws<HpackDecodingException>(() => Decode(decoder, hex));
    }

    [Fact]
    public void Decode_HeaderListOverLimit_Throws()
    {
        using var decoder = new HpackDecoder(4096, 40);
        using var headers = new HeaderList(40);

        // ":method: GET" is 7 + 3 + 32 = 42 octets as HTTP/2 counts a header list.
        Assert.Throws<HpackDecodingException>(() => decoder.Decode(Hex("82"), headers));
    }

    [Fact]
    public void Decode_InsertEvictsTheEntryItsNameRefersTo_KeepsName()
    {
        using var decoder = new HpackDecoder(60, 65536);
        Decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"); // 54 octets

        // Indexed name 62 (custom-key) with value "abcdef": 48 octets, evicting the entry it names.
        var fields = Decode(decoder, "7e06 6162 6364 6566");

        Assert.Equal([("custom-key", "abcdef")], fields);
        Assert.Equal([("custom-key", "abcdef")], Entries(decoder.Table));
    }

    [Fact]
    public void Decode_EntryLargerThanTable_EmptiesTable()
    {
        using var decoder = new HpackDecoder(60, 65536);
        Decode(decoder, "4001 6101 62"); // a: b, 34 octets

        Assert.Equal([("x", new string('y', 40))], Decode(decoder, "4001 7828 " + Convert.ToHexString(Ascii(new string('y', 40)))));
        Assert.Equal(0, decoder.Table.Count);
        Assert.Equal(0, decoder.Table.Size);
    }

    private static (string, string)[] Decode(HpackDecoder decoder, string hex)
    {
        using var headers = new HeaderList(65536);
        decoder.Decode(Hex(hex), headers);
        return [.. Enumerable.Range(0, headers.Count).Select(i => (Encoding.ASCII.GetString(headers.GetName(i)), Encoding.ASCII.GetString(headers.GetValue(i))))];
    }

    private static (string, string)[] Entries(HpackDynamicTable table) =>
        [.. Enumerable.Range(1, table.Count).Select(i =>
        {
            table.Get(i, out var name, out var value);
            return (Encoding.ASCII.GetString(name), Encoding.ASCII.GetString(value));
        })];
}
