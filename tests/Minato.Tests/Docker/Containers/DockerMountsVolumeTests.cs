using Minato.Docker.Containers;

namespace Minato.Tests.Docker.Containers;

public sealed class DockerMountsVolumeTests
{
    [Fact]
    public void Volumes_BindsMountsAndImageVolumes_NamedAnonymousAndCoveredOnesLeftOut()
    {
        var host = new HostConfig
        {
            Binds = ["data:/data:ro", "/srv:/srv", "/scratch"],
            Mounts = [new MountRequest { Type = "volume", Source = "cache", Target = "/cache" }, new MountRequest { Type = "volume", Target = "/anon" }],
            Tmpfs = new Dictionary<string, string> { ["/tmp"] = "" },
        };

        var volumes = DockerMounts.Volumes(host, ["/var/lib/app", "/srv", "/tmp", "/data"]);

        Assert.Equal(
            [new("data", "/data", true), new("", "/scratch", false), new("cache", "/cache", false), new("", "/anon", false), new("", "/var/lib/app", false)],
            volumes);
    }

    [Theory]
    [InlineData("data:/data", true)]
    [InlineData("/path", true)]
    [InlineData("/host:/ctr", false)]
    [InlineData("/host:/ctr:ro", false)]
    public void IsVolumeBind_NameOrBarePath_True(string bind, bool expected) => Assert.Equal(expected, DockerMounts.IsVolumeBind(bind));
}
