using Minato.Docker.Http;

namespace Minato.Tests.Docker.Http;

public sealed class FiltersTests
{
    [Fact]
    public void Parse_MapOfLists_GivesEachValue()
    {
        var filters = Filters.Parse("""{"reference":["busybox*","alpine"],"dangling":["false"]}""");

        Assert.Equal(["busybox*", "alpine"], filters.Get("reference"));
        Assert.False(filters.Bool("dangling"));
    }

    [Fact]
    public void Parse_OldMapOfBooleans_GivesTheTrueKeys()
    {
        var filters = Filters.Parse("""{"label":{"a=b":true,"c":false},"dangling":{"true":true}}""");

        Assert.Equal(["a=b"], filters.Get("label"));
        Assert.True(filters.Bool("dangling"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_Absent_NoFilter(string? json)
    {
        var filters = Filters.Parse(json);

        Assert.Empty(filters.Names);
        Assert.Null(filters.Bool("dangling"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[\"a\"]")]
    [InlineData("{\"label\":\"a\"}")]
    [InlineData("{\"label\":[1]}")]
    [InlineData("{\"label\":{\"a\":\"yes\"}}")]
    public void Parse_Malformed_400(string json)
    {
        var e = Assert.Throws<DockerApiException>(() => Filters.Parse(json));

        Assert.Equal(400, e.Status);
        Assert.StartsWith("invalid filters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TooManyValues_400()
    {
        var json = "{\"label\":[" + string.Join(',', Enumerable.Range(0, Filters.MaxEntries + 1).Select(i => $"\"l{i}\"")) + "]}";

        Assert.Equal(400, Assert.Throws<DockerApiException>(() => Filters.Parse(json)).Status);
    }

    [Fact]
    public void Validate_UnknownName_400NamingIt()
    {
        var e = Assert.Throws<DockerApiException>(() => Filters.Parse("""{"colour":["red"]}""").Validate("label", "dangling"));

        Assert.Equal("invalid filter 'colour'", e.Message);
    }

    [Fact]
    public void Bool_NotABoolean_400()
    {
        Assert.Equal(400, Assert.Throws<DockerApiException>(() => Filters.Parse("""{"dangling":["maybe"]}""").Bool("dangling")).Status);
    }
}
