using Minato.Docker.Http;
using Minato.Docker.Volumes;

namespace Minato.Tests.Docker.Volumes;

public sealed class VolumeFilterTests
{
    private static readonly Volume Sample = new()
    {
        Name = "web-data",
        Driver = "local",
        Mountpoint = "/x",
        CreatedAt = "2026-01-01T00:00:00Z",
        Labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" },
        Options = new Dictionary<string, string>(),
    };

    [Theory]
    [InlineData("""{"name":["data"]}""", true)]
    [InlineData("""{"name":["db"]}""", false)]
    [InlineData("""{"driver":["local"]}""", true)]
    [InlineData("""{"driver":["nfs"]}""", false)]
    [InlineData("""{"label":["app"]}""", true)]
    [InlineData("""{"label":["app=web","tier=front"]}""", true)]
    [InlineData("""{"label":["app=db"]}""", false)]
    [InlineData("""{"label!":["tier"]}""", false)]
    [InlineData("""{"dangling":["true"]}""", true)]
    [InlineData("""{"dangling":["0"]}""", false)]
    public void Matches_Filter_AsDockerd(string filters, bool expected) =>
        Assert.Equal(expected, VolumeRoutes.Matches(Sample, users: 0, Filters.Parse(filters)));

    [Fact]
    public void Matches_DanglingFalse_OnlyVolumesInUse() =>
        Assert.True(VolumeRoutes.Matches(Sample, users: 2, Filters.Parse("""{"dangling":["false"]}""")));
}
