using Minato.Cri;

namespace Minato.Tests.Cri;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front" };

    [Fact]
    public void Matches_EmptySelector_MatchesEverything() => Assert.True(LabelSelector.Matches(Labels, new Dictionary<string, string>()));

    [Fact]
    public void Matches_EveryPairPresent_True() =>
        Assert.True(LabelSelector.Matches(Labels, new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }));

    [Theory]
    [InlineData("app", "db")]
    [InlineData("zone", "a")]
    [InlineData("app", "")]
    public void Matches_OnePairMissingOrDifferent_False(string key, string value) =>
        Assert.False(LabelSelector.Matches(Labels, new Dictionary<string, string> { ["tier"] = "front", [key] = value }));
}
