using Minato.Docker.Http;

namespace Minato.Tests.Docker.Http;

public sealed class VersionedPathTests
{
    [Theory]
    [InlineData("/_ping", "/_ping")]
    [InlineData("/images/json", "/images/json")]
    [InlineData("/version", "/version")]
    public void Parse_NoPrefix_ServesTheCurrentVersion(string path, string route)
    {
        var parsed = VersionedPath.Parse(path);

        Assert.Equal(ApiVersion.Current, parsed.Version);
        Assert.Equal(route, parsed.Route);
    }

    [Theory]
    [InlineData("/v1.24/_ping", 1, 24, "/_ping")]
    [InlineData("/v1.45/images/docker.io/library/busybox:latest/json", 1, 45, "/images/docker.io/library/busybox:latest/json")]
    [InlineData("/v1.40/version", 1, 40, "/version")]
    public void Parse_VersionPrefix_SplitsVersionAndRoute(string path, int major, int minor, string route)
    {
        var parsed = VersionedPath.Parse(path);

        Assert.Equal(new ApiVersion(major, minor), parsed.Version);
        Assert.Equal(route, parsed.Route);
    }

    [Theory]
    [InlineData("/volumes")]
    [InlineData("/vabc/_ping")]
    public void Parse_FirstSegmentNotAVersion_IsAPlainRoute(string path)
    {
        Assert.Equal(path, VersionedPath.Parse(path).Route);
    }

    [Fact]
    public void Parse_TooNew_400NamingTheMaximum()
    {
        var e = Assert.Throws<DockerApiException>(() => VersionedPath.Parse("/v1.99/_ping"));

        Assert.Equal(400, e.Status);
        Assert.Equal($"client version 1.99 is too new. Maximum supported API version is {ApiVersion.Current}", e.Message);
    }

    [Fact]
    public void Parse_TooOld_400NamingTheMinimum()
    {
        var e = Assert.Throws<DockerApiException>(() => VersionedPath.Parse("/v1.12/version"));

        Assert.Equal(400, e.Status);
        Assert.StartsWith("client version 1.12 is too old. Minimum supported API version is 1.24", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1..2/_ping")]
    [InlineData("/v.../_ping")]
    [InlineData("/v123456.1/_ping")]
    public void Parse_MalformedVersion_400(string path)
    {
        var e = Assert.Throws<DockerApiException>(() => VersionedPath.Parse(path));

        Assert.Equal(400, e.Status);
        Assert.Contains("invalid API version", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApiVersion_Compare_IsNumericNotTextual()
    {
        Assert.True(new ApiVersion(1, 4) < new ApiVersion(1, 24));
        Assert.True(ApiVersion.TryParse("1.45", out var v) && v == new ApiVersion(1, 45));
        Assert.True(ApiVersion.TryParse("1", out var major) && major == new ApiVersion(1, 0));
    }
}
