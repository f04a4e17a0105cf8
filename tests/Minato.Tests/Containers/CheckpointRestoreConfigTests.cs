using Minato.Cri.Containers;
using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Containers;

public sealed class CheckpointRestoreConfigTests
{
    private static UnpackedCheckpoint Checkpoint(string imageName = "registry.example/app:1", string imageId = "", params string[] bindMounts) => new(
        "/srv/checkpoints/app.tar",
        "/nonexistent",
        new CheckpointConfigDump { Id = "old", Name = "app", RootfsImageName = imageName, RootfsImage = imageId },
        new RuntimeSpec
        {
            Root = new SpecRoot("rootfs"),
            Process = new SpecProcess
            {
                User = new SpecUser(),
                Args = ["sh", "-c", "count"],
                Env = ["PATH=/bin", "MODE=checkpointed", "EMPTY"],
                Cwd = "/work",
                Terminal = true,
            },
            Mounts = [new SpecMount { Destination = "/proc", Type = "proc" }, new SpecMount { Destination = "/etc/hosts", Type = "bind" },
                .. bindMounts.Select(d => new SpecMount { Destination = d, Type = "bind" })],
            Linux = new LinuxSpec(),
        },
        []);

    [Fact]
    public void For_Request_NameLabelsAnnotationsFromTheRequestProcessAndImageFromTheCheckpoint()
    {
        var request = SpecFixture.Config() with
        {
            Metadata = new ContainerMetadata("restored", 2),
            Image = new ContainerImageSpec("/srv/checkpoints/app.tar"),
            Command = ["ignored"],
            Labels = new Dictionary<string, string> { ["l"] = "request" },
            Annotations = new Dictionary<string, string> { ["a"] = "request" },
            Devices = [new ContainerDevice("/dev/fuse", "/dev/fuse", "rwm")],
        };

        var config = CheckpointRestoreConfig.For(request, Checkpoint(), "sha256:abc");

        Assert.Equal(new ContainerMetadata("restored", 2), config.Metadata);
        Assert.Equal("request", config.Labels["l"]);
        Assert.Equal("request", config.Annotations["a"]);
        Assert.Equal(new ContainerImageSpec("sha256:abc", "registry.example/app:1").Image, config.Image.Image);
        Assert.Equal("registry.example/app:1", config.Image.UserSpecifiedImage);
        Assert.Equal(["sh", "-c", "count"], config.Command);
        Assert.Empty(config.Args);
        Assert.Equal("/work", config.WorkingDir);
        Assert.True(config.Tty);
        Assert.Equal([KeyValuePair.Create("PATH", "/bin"), KeyValuePair.Create("MODE", "checkpointed"), KeyValuePair.Create("EMPTY", "")], config.Envs);
        Assert.Empty(config.Devices);
    }

    [Fact]
    public void For_CheckpointBindMountNotInRequest_InvalidInputNamingMountAndArchive()
    {
        var request = SpecFixture.Config() with { Mounts = [new ContainerMount("/data", "/srv/data")] };

        var error = Assert.Throws<InvalidInputException>(() => CheckpointRestoreConfig.For(request, Checkpoint(bindMounts: ["/data", "/cache"]), "sha256:abc"));

        Assert.Contains("mounts", error.Message, StringComparison.Ordinal);
        Assert.Contains("/cache", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/data,", error.Message, StringComparison.Ordinal);
        Assert.Contains("/srv/checkpoints/app.tar", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void For_RequestMounts_OnlyThoseTheCheckpointHadAreKept()
    {
        var request = SpecFixture.Config() with
        {
            Mounts = [new ContainerMount("/data", "/srv/data-new", Readonly: true), new ContainerMount("/extra", "/srv/extra")],
        };

        var config = CheckpointRestoreConfig.For(request, Checkpoint(bindMounts: ["/data"]), "sha256:abc");

        Assert.Equal([new ContainerMount("/data", "/srv/data-new", Readonly: true)], config.Mounts);
    }

    [Theory]
    [InlineData("registry.example/app:1", "sha256:1", "registry.example/app:1")]
    [InlineData("", "sha256:1", "sha256:1")]
    public void ImageOf_ConfigDump_NameElseId(string name, string id, string expected) =>
        Assert.Equal(expected, CheckpointRestoreConfig.ImageOf(Checkpoint(name, id)));
}
