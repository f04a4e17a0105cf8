using System.Text;
using Minato.Docker.Http;
using Minato.Docker.Images;

namespace Minato.Tests.Docker.Images;

public sealed class ImageNamesTests
{
    [Theory]
    [InlineData("docker.io/library/busybox:latest", "busybox:latest")]
    [InlineData("docker.io/library/busybox@sha256:abc", "busybox@sha256:abc")]
    [InlineData("docker.io/user/app:v1", "user/app:v1")]
    [InlineData("docker.io/library/a/b:v1", "library/a/b:v1")]
    [InlineData("127.0.0.1:5000/app:v1", "127.0.0.1:5000/app:v1")]
    [InlineData("quay.io/x/y:z", "quay.io/x/y:z")]
    public void Familiar_StoredName_AsDockerShowsIt(string stored, string familiar)
    {
        Assert.Equal(familiar, DockerNames.Familiar(stored));
    }

    [Theory]
    [InlineData("busybox:latest", "busybox")]
    [InlineData("127.0.0.1:5000/app:v1", "127.0.0.1:5000/app")]
    [InlineData("127.0.0.1:5000/app", "127.0.0.1:5000/app")]
    [InlineData("app@sha256:abc", "app")]
    public void Repository_FamiliarName_WithoutTagOrDigest(string familiar, string repository)
    {
        Assert.Equal(repository, DockerNames.Repository(familiar));
    }

    [Theory]
    [InlineData("busybox", "latest", "docker.io/library/busybox:latest")]
    [InlineData("127.0.0.1:5000/a/b", "v1", "127.0.0.1:5000/a/b:v1")]
    [InlineData("busybox", "", "docker.io/library/busybox:latest")]
    [InlineData("busybox:1.36", null, "docker.io/library/busybox:1.36")]
    [InlineData("busybox", "sha256:1111111111111111111111111111111111111111111111111111111111111111",
        "docker.io/library/busybox@sha256:1111111111111111111111111111111111111111111111111111111111111111")]
    public void PullReference_FromImageAndTag_JoinedAsTheCliMeansIt(string fromImage, string? tag, string expected)
    {
        Assert.Equal(expected, ImageRoutes.PullReference(fromImage, tag).ToString());
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("Busybox", "latest")]
    [InlineData("busybox", "bad tag")]
    public void PullReference_MissingOrMalformed_400(string? fromImage, string? tag)
    {
        Assert.Equal(400, Assert.Throws<DockerApiException>(() => ImageRoutes.PullReference(fromImage, tag)).Status);
    }

    [Fact]
    public void RegistryAuthHeader_Base64UrlJsonWithoutPadding_Decoded()
    {
        var json = """{"username":"u","password":"p?>","serveraddress":"127.0.0.1:5000"}""";
        var header = Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var auth = RegistryAuthHeader.Decode(header)!;

        Assert.Equal("u", auth.ToCredential()!.Username);
        Assert.Equal("p?>", auth.ToCredential()!.Password);
        Assert.Equal("127.0.0.1:5000", auth.ServerAddress);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("e30=")]
    public void RegistryAuthHeader_AbsentOrEmptyObject_NoCredential(string? header)
    {
        Assert.Null(RegistryAuthHeader.Decode(header)?.ToCredential());
    }

    [Theory]
    [InlineData("%%%not-base64")]
    [InlineData("bm90IGpzb24")]
    public void RegistryAuthHeader_Malformed_400(string header)
    {
        Assert.Equal(400, Assert.Throws<DockerApiException>(() => RegistryAuthHeader.Decode(header)).Status);
    }
}
