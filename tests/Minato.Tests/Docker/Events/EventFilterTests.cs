using Minato.Docker.Events;
using Minato.Docker.Http;

namespace Minato.Tests.Docker.Events;

public sealed class EventFilterTests
{
    private static readonly DockerEvent Tag = new()
    {
        Type = "image",
        Action = "tag",
        Actor = new EventActor("sha256:abc", new Dictionary<string, string> { ["name"] = "web:v2" }),
        TimeNano = 2_000_000_000,
    };

    private static readonly DockerEvent Die = new()
    {
        Type = "container",
        Action = "die",
        Actor = new EventActor("0123456789ab", new Dictionary<string, string> { ["name"] = "db", ["image"] = "postgres:16", ["tier"] = "back" }),
        TimeNano = 3_000_000_000,
    };

    [Theory]
    [InlineData("""{"type":["image"]}""", true, false)]
    [InlineData("""{"event":["die"]}""", false, true)]
    [InlineData("""{"image":["web"]}""", true, false)]
    [InlineData("""{"image":["postgres"]}""", false, true)]
    [InlineData("""{"container":["0123"]}""", false, true)]
    [InlineData("""{"container":["db"]}""", false, true)]
    [InlineData("""{"label":["tier=back"]}""", false, true)]
    [InlineData("""{"type":["volume"]}""", false, false)]
    public void Matches_Filters_AsDockerd(string filters, bool tag, bool die)
    {
        var filter = EventFilter.Parse(Filters.Parse(filters), null, null);

        Assert.Equal(tag, filter.Matches(Tag));
        Assert.Equal(die, filter.Matches(Die));
    }

    [Fact]
    public void Matches_SinceAndUntil_Inclusive()
    {
        var filter = EventFilter.Parse(Filters.Parse(null), "2", "2.5");

        Assert.True(filter.Matches(Tag));
        Assert.False(filter.Matches(Die));
    }

    [Theory]
    [InlineData("1700000000", 1_700_000_000_000_000_000)]
    [InlineData("1700000000.5", 1_700_000_000_500_000_000)]
    [InlineData("1700000000.000000001", 1_700_000_000_000_000_001)]
    public void ParseTime_Timestamp_Nanoseconds(string text, long expected) =>
        Assert.Equal(expected, EventFilter.ParseTime("since", text));

    [Theory]
    [InlineData("10m")]
    [InlineData("1.1234567890")]
    [InlineData("1e9")]
    public void ParseTime_NotATimestamp_BadRequest(string text) =>
        Assert.Equal(400, Assert.Throws<DockerApiException>(() => EventFilter.ParseTime("until", text)).Status);

    [Fact]
    public void Parse_UnknownFilter_BadRequest() =>
        Assert.Throws<DockerApiException>(() => EventFilter.Parse(Filters.Parse("""{"colour":["red"]}"""), null, null));
}
