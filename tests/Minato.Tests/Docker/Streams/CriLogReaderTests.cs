using System.Text;
using Minato.Docker.Streams;

namespace Minato.Tests.Docker.Streams;

public sealed class CriLogReaderTests
{
    [Fact]
    public void Parse_FullLine_RestoresNewlineAndStream()
    {
        var entry = CriLogReader.Parse("2026-12-07T10:00:00.123456789Z stderr F boom"u8);

        Assert.NotNull(entry);
        Assert.Equal(StreamKind.Stderr, entry.Stream);
        Assert.False(entry.Partial);
        Assert.Equal("boom\n", Encoding.UTF8.GetString(entry.Content));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000 + 123_456_789, entry.Time);
    }

    [Fact]
    public void Parse_PartialLine_KeepsContentWithoutNewline()
    {
        var entry = CriLogReader.Parse("2026-12-07T10:00:00Z stdout P abc"u8);

        Assert.NotNull(entry);
        Assert.True(entry.Partial);
        Assert.Equal("abc", Encoding.UTF8.GetString(entry.Content));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("2026-12-07T10:00:00Z stdin F x")]
    [InlineData("2026-12-07T10:00:00Z stdout X x")]
    [InlineData("not-a-time stdout F x")]
    public void Parse_NotCriFormat_ReturnsNull(string line)
    {
        Assert.Null(CriLogReader.Parse(Encoding.UTF8.GetBytes(line)));
    }

    [Fact]
    public async Task ReadAsync_UnfinishedLastLine_LeftForTheNextRead()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "2026-12-07T10:00:00Z stdout F one\n2026-12-07T10:00:01Z stdout F tw");
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

            var first = await Collect(stream);
            await File.AppendAllTextAsync(path, "o\n");
            var second = await Collect(stream);

            Assert.Equal(["one\n"], first);
            Assert.Equal(["two\n"], second);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<List<string>> Collect(FileStream stream)
    {
        var result = new List<string>();
        await foreach (var entry in CriLogReader.ReadAsync(stream, default))
        {
            result.Add(Encoding.UTF8.GetString(entry.Content));
        }

        return result;
    }
}
