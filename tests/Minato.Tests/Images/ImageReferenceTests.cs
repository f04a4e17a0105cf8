using Minato.Engine.Errors;
using Minato.Engine.Images;

namespace Minato.Tests.Images;

public sealed class ImageReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("busybox", "docker.io/library/busybox:latest")]
    [InlineData("library/busybox:1.36", "docker.io/library/busybox:1.36")]
    [InlineData("docker.io/library/busybox", "docker.io/library/busybox:latest")]
    [InlineData("index.docker.io/foo/bar:v1", "docker.io/foo/bar:v1")]
    [InlineData("localhost:5000/a/b:tag", "localhost:5000/a/b:tag")]
    [InlineData("localhost/a", "localhost/a:latest")]
    [InlineData("registry:5000/x@sha256:" + Hex, "registry:5000/x@sha256:" + Hex)]
    [InlineData("name:tag@sha256:" + Hex, "docker.io/library/name:tag@sha256:" + Hex)]
    [InlineData("quay.io/a-b/c__d.e:V_1.0-rc", "quay.io/a-b/c__d.e:V_1.0-rc")]
    public void Parse_CommonForms_NormalisedLikeDocker(string input, string expected)
    {
        Assert.Equal(expected, ImageReference.Parse(input).ToString());
    }

    [Fact]
    public void Parse_TagAndDigest_PullsByDigest()
    {
        var reference = ImageReference.Parse("busybox:1.36@sha256:" + Hex);

        Assert.Equal("sha256:" + Hex, reference.ManifestReference);
        Assert.Null(reference.TaggedName);
        Assert.False(reference.RegistryGiven);
    }

    [Theory]
    [InlineData("")]
    [InlineData("busybox@sha256:abc")]
    [InlineData("busybox@sha256:" + "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("busybox@md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("a/../b")]
    [InlineData("a/./b")]
    [InlineData("/busybox")]
    [InlineData("busybox/")]
    [InlineData("a//b")]
    [InlineData("library/Busybox")]
    [InlineData("busybox:")]
    [InlineData("busybox:-x")]
    [InlineData("bad_host:99999/a")]
    [InlineData("exa mple/a")]
    [InlineData("a/b%2f..")]
    public void Parse_Malformed_InvalidInput(string input)
    {
        Assert.Throws<InvalidInputException>(() => ImageReference.Parse(input));
    }

    [Fact]
    public void Parse_TooLong_InvalidInput()
    {
        Assert.Throws<InvalidInputException>(() => ImageReference.Parse("example.com/" + new string('a', 300)));
    }
}
