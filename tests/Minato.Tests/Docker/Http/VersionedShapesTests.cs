using System.Text;
using System.Text.Json;
using Minato.Docker.Http;
using Minato.Docker.Images;

namespace Minato.Tests.Docker.Http;

public sealed class VersionedShapesTests
{
    [Theory]
    [InlineData("1.41", false, "application/vnd.docker.raw-stream")]
    [InlineData("1.42", false, "application/vnd.docker.multiplexed-stream")]
    [InlineData("1.45", false, "application/vnd.docker.multiplexed-stream")]
    [InlineData("1.45", true, "application/vnd.docker.raw-stream")]
    [InlineData("1.24", true, "application/vnd.docker.raw-stream")]
    public void StreamMediaType_EachSideOf142_DockerdsMediaType(string version, bool tty, string expected)
    {
        Assert.Equal(expected, VersionedShapes.StreamMediaType(V(version), tty));
    }

    [Fact]
    public void ImageList_Before144_VirtualSizeWrittenBetweenSharedSizeAndLabels()
    {
        var json = Serialize(VersionedShapes.VirtualSize(new ApiVersion(1, 43), 1234));

        Assert.Equal(
            """[{"Id":"sha256:ab","ParentId":"","RepoTags":["a:1"],"RepoDigests":[],"Created":7,"Size":1234,"SharedSize":-1,"VirtualSize":1234,"Labels":{},"Containers":-1}]""",
            json);
    }

    [Fact]
    public void ImageList_From144_NoVirtualSizeKeyAtAll()
    {
        var json = Serialize(VersionedShapes.VirtualSize(new ApiVersion(1, 44), 1234));

        Assert.Equal(
            """[{"Id":"sha256:ab","ParentId":"","RepoTags":["a:1"],"RepoDigests":[],"Created":7,"Size":1234,"SharedSize":-1,"Labels":{},"Containers":-1}]""",
            json);
    }

    [Theory]
    [InlineData("1.41", false, false)]
    [InlineData("1.42", false, true)]
    [InlineData("1.42", true, false)]
    [InlineData("1.45", false, true)]
    public void PruneAnonymousOnly_EachSideOf142_NamedVolumesSparedFrom142UnlessAll(string version, bool all, bool expected)
    {
        Assert.Equal(expected, VersionedShapes.PruneAnonymousOnly(V(version), all));
    }

    private static ApiVersion V(string text) => ApiVersion.TryParse(text, out var version) ? version : throw new ArgumentException(text);

    private static string Serialize(long? virtualSize)
    {
        var summary = new ImageSummary
        {
            Id = "sha256:ab",
            RepoTags = ["a:1"],
            RepoDigests = [],
            Created = 7,
            Size = 1234,
            VirtualSize = virtualSize,
            Labels = new Dictionary<string, string>(),
        };
        return Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes([summary], DockerJson.Default.ListImageSummary));
    }
}
