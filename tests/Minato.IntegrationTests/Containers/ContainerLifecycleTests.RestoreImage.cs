using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Testing;
using Minato.Testing.Images;

namespace Minato.IntegrationTests.Containers;

/// <summary>Restore from a checkpoint image (CRI-O's other form: the archive's files as the one layer of an image
/// annotated with the checkpointed container's name), pulled from the real registry through CRI.</summary>
public sealed partial class ContainerLifecycleTests
{
    private const string CheckpointAnnotation = "io.kubernetes.cri-o.annotations.checkpoint.name";

    [Fact]
    public async Task CreateContainer_CheckpointImage_AppliesRootfsChangesAndStartFailsWithCriusWords()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var checkpoint = CheckpointArchiveBuilder.Valid(_node.Busybox, "sh", "-c", "sleep 600")
            .RootfsDiff(new Dictionary<string, string> { ["count"] = "41", ["etc/app.conf"] = "restored=1" })
            .DeletedFiles("""["/etc/group"]""");
        var image = await PushCheckpointImageAsync("test/checkpoint:good", checkpoint.Layer());

        var id = await CreateFromArchiveAsync(podId, pod, "restored", image);

        var created = await StatusAsync(id);
        Assert.Equal(ContainerState.ContainerCreated, created.Status.State);
        Assert.Equal(_node.Busybox, created.Status.Image.UserSpecifiedImage);
        var rootfs = await RootfsAsync(id);
        Assert.Equal("41", await File.ReadAllTextAsync(Path.Combine(rootfs, "count")));
        Assert.Equal("restored=1", await File.ReadAllTextAsync(Path.Combine(rootfs, "etc", "app.conf")));
        Assert.False(File.Exists(Path.Combine(rootfs, "etc", "group")));
        Assert.True(File.Exists(Path.Combine(rootfs, "etc", "passwd")));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_node.Daemon.Root, "checkpoints")));

        var (_, criuSays) = await CriuCheckAsync();
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }));

        Assert.True(error.StatusCode == StatusCode.FailedPrecondition, error.Status.Detail);
        Assert.True(error.Status.Detail.Contains("Error (criu/", StringComparison.Ordinal), error.Status.Detail);
        Assert.Contains(criuSays, error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("StartError", (await StatusAsync(id)).Status.Reason);

        await Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        AssertNoContainerLeft();

        // The image's layer was only read: the same image restores again.
        var again = await CreateFromArchiveAsync(podId, pod, "restored", image);
        Assert.Equal("41", await File.ReadAllTextAsync(Path.Combine(await RootfsAsync(again), "count")));
    }

    [Fact]
    public async Task CreateContainer_MalformedCheckpointImages_InvalidArgumentNamingTheImageAndNothingLeft()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var valid = () => CheckpointArchiveBuilder.Valid(_node.Busybox, "sleep", "600");
        var cases = new (string Tag, LayerBuilder[] Layers, string Says)[]
        {
            ("no-config", [valid().Without("config.dump").Layer()], "it has no config.dump"),
            ("no-images", [valid().Without("checkpoint").Layer()], "no checkpoint/ directory"),
            ("symlink", [valid().Symlink("spec.dump", "/etc/shadow").Layer()], "spec.dump is not a regular file or directory"),
            ("two-layers", [valid().Layer(), new LayerBuilder().File("extra", "x")], "has 2 layers"),
        };
        foreach (var (tag, layers, says) in cases)
        {
            var image = await PushCheckpointImageAsync($"test/checkpoint:{tag}", layers);

            var error = await Assert.ThrowsAsync<RpcException>(async () => await CreateFromArchiveAsync(podId, pod, "restored", image));

            Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{tag}: {error.StatusCode} {error.Status.Detail}");
            Assert.Contains($"checkpoint image {image}", error.Status.Detail, StringComparison.Ordinal);
            Assert.Contains(says, error.Status.Detail, StringComparison.Ordinal);
            AssertNoContainerLeft();
        }

        Assert.Empty((await Runtime.ListContainersAsync(new ListContainersRequest())).Containers);

        // A normal image with other labels still creates a container as before.
        Assert.Matches("^[0-9a-f]{64}$", await CreateAsync(podId, pod, "restored", "true"));
    }

    /// <summary>Builds an image of <paramref name="layers"/> with the checkpoint annotation (as a config label, which
    /// <c>buildah config --annotation</c> also reaches through the manifest), pushes it and pulls it through CRI.</summary>
    private async Task<string> PushCheckpointImageAsync(string nameTag, params LayerBuilder[] layers)
    {
        var builder = new TestImageBuilder { Config = new ImageConfig { Labels = new Dictionary<string, string> { [CheckpointAnnotation] = "counter" } } };
        foreach (var layer in layers)
        {
            builder.Layer(layer);
        }

        var dir = Directory.CreateTempSubdirectory("minato-ckimg-");
        try
        {
            await _node.Registry.PushAsync(await builder.BuildAsync(dir.FullName), nameTag);
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        var image = $"{_node.Registry.Host}/{nameTag}";
        await _node.Daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image } });
        return image;
    }
}
