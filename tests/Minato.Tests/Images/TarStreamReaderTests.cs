using Minato.Engine.Images;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Images.Snapshots.Tar;

namespace Minato.Tests.Images;

/// <summary>Malformed archives: every one must fail with a typed exception, never loop or allocate without bound.</summary>
public sealed class TarStreamReaderTests
{
    private static readonly UnpackLimits Limits = new() { MaxBytes = 1 << 20, MaxPaxHeaderBytes = 4096, MaxPathBytes = 256 };

    [Fact]
    public async Task ReadNextAsync_TruncatedInContent_ThrowsMalformed()
    {
        var tar = new TarBuilder().File("f", new string('x', 2000)).Build()[..1000];

        await Assert.ThrowsAsync<MalformedLayerException>(() => ReadAllAsync(tar));
    }

    [Fact]
    public async Task ReadNextAsync_TruncatedInHeader_ThrowsMalformed()
    {
        var tar = new TarBuilder().File("f", "x").Build()[..1300];

        await Assert.ThrowsAsync<MalformedLayerException>(() => ReadAllAsync(tar));
    }

    [Fact]
    public async Task ReadNextAsync_NoEndMarker_ThrowsMalformed()
    {
        var tar = new TarBuilder().File("f", "x").Build(endMarker: false);

        await Assert.ThrowsAsync<MalformedLayerException>(() => ReadAllAsync(tar));
    }

    [Fact]
    public async Task ReadNextAsync_Garbage_ThrowsMalformed()
    {
        var garbage = new byte[8192];
        new Random(3).NextBytes(garbage);

        await Assert.ThrowsAsync<MalformedLayerException>(() => ReadAllAsync(garbage));
    }

    [Fact]
    public async Task ReadNextAsync_BadChecksum_ThrowsMalformed()
    {
        var tar = new TarBuilder().File("f", "x").Build();
        tar[0] = (byte)'g';

        await Assert.ThrowsAsync<MalformedLayerException>(() => ReadAllAsync(tar));
    }

    [Fact]
    public async Task ReadNextAsync_PaxHeaderOverLimit_ThrowsBeforeBuffering()
    {
        var tar = new TarBuilder().Entry('x', "pax", [], size: 1L << 40).Build(endMarker: false);

        await Assert.ThrowsAsync<MalformedLayerException>(() => ReadAllAsync(tar));
    }

    [Fact]
    public async Task ReadNextAsync_GnuLongNameOverLimit_Throws()
    {
        var tar = new TarBuilder().GnuLong('L', new string('a', 300)).File("f", "").Build();

        await Assert.ThrowsAsync<MalformedLayerException>(() => ReadAllAsync(tar));
    }

    [Fact]
    public async Task ReadNextAsync_EndlessMetadataHeaders_Throws()
    {
        var builder = new TarBuilder();
        for (var i = 0; i < 20; i++)
        {
            builder.Pax("comment", "again");
        }

        await Assert.ThrowsAsync<MalformedLayerException>(() => ReadAllAsync(builder.File("f", "").Build()));
    }

    [Theory]
    [InlineData("5 path=x\n")]
    [InlineData("99 path=x\n")]
    [InlineData("abc path=x\n")]
    [InlineData("11 pathx\n")]
    [InlineData("10 path=x ")]
    public async Task ReadNextAsync_MalformedPaxRecord_Throws(string record)
    {
        var tar = new TarBuilder().Entry('x', "pax", System.Text.Encoding.ASCII.GetBytes(record)).File("f", "").Build();

        await Assert.ThrowsAsync<MalformedLayerException>(() => ReadAllAsync(tar));
    }

    [Theory]
    [InlineData('S')]
    [InlineData('V')]
    [InlineData('D')]
    public async Task ReadNextAsync_UnsupportedType_Throws(char type)
    {
        var tar = new TarBuilder().Entry(type, "f", []).Build();

        await Assert.ThrowsAsync<MalformedLayerException>(() => ReadAllAsync(tar));
    }

    [Fact]
    public async Task ReadNextAsync_SparsePaxRecords_Throws()
    {
        var tar = new TarBuilder().Pax("GNU.sparse.map", "0,1").File("f", "").Build();

        await Assert.ThrowsAsync<MalformedLayerException>(() => ReadAllAsync(tar));
    }

    [Fact]
    public async Task ReadNextAsync_NonUtf8Name_Throws()
    {
        var tar = new TarBuilder().File("f", "").Build();
        tar[0] = 0xFF;
        TarBuilder.Checksum(tar);

        await Assert.ThrowsAsync<MalformedLayerException>(() => ReadAllAsync(tar));
    }

    [Fact]
    public async Task ReadNextAsync_UidMinusOne_Throws()
    {
        var tar = new TarBuilder().Pax("uid", "4294967295").File("f", "").Build();

        await Assert.ThrowsAsync<MalformedLayerException>(() => ReadAllAsync(tar));
    }

    [Fact]
    public async Task ReadNextAsync_TrailingDataOverLimit_Throws()
    {
        byte[] tar = [.. new TarBuilder().File("f", "").Build(), .. new byte[(1 << 20) + 1]];

        await Assert.ThrowsAsync<MalformedLayerException>(() => ReadAllAsync(tar));
    }

    [Fact]
    public async Task ReadNextAsync_Base256SizeAndUstarPrefix_AreDecoded()
    {
        var tar = new TarBuilder().File("name", "abc").Build();
        tar.AsSpan(124, 12).Clear();
        tar[124] = 0x80;
        tar[135] = 3;
        "prefix/dir"u8.CopyTo(tar.AsSpan(345));
        TarBuilder.Checksum(tar);

        var entries = await ReadAllAsync(tar);

        Assert.Equal(("prefix/dir/name", 3L), (entries[0].Name, entries[0].Size));
    }

    private static async Task<List<TarEntry>> ReadAllAsync(byte[] tar)
    {
        var reader = new TarStreamReader(new MemoryStream(tar), Limits);
        var entries = new List<TarEntry>();
        while (await reader.ReadNextAsync(CancellationToken.None) is { } entry)
        {
            entries.Add(entry);
        }

        return entries;
    }
}
