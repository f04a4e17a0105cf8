using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Pods;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Containers;

/// <summary>Image volumes (KEP-4639) through the real daemon, runc and overlayfs: another image's layers read-only and
/// noexec at a container path, sub-paths, in-use images, and the overlay across a daemon kill and after removal.</summary>
public sealed class ImageVolumeTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("minato-it-imgvol-").FullName;
    private RegistryFixture _registry = null!;
    private TestNetwork _network = null!;
    private PodSandboxConfig _pod = null!;
    private MinatoDaemon _daemon = null!;
    private string _podId = null!;

    private string Home => Path.Combine(_dir, "d");

    private string Busybox => $"{_registry.Host}/library/busybox:1.36";

    private string Data => $"{_registry.Host}/test/image-volume-data:1";

    public async Task InitializeAsync()
    {
        _registry = await RegistryFixture.StartAsync();
        await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "library/busybox:1.36");
        await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.ImageVolumeData), "test/image-volume-data:1");
        _network = TestNetwork.Create();
        _pod = PodConfigs.Kubelet();
        Directory.CreateDirectory(Home);
        _daemon = await StartAsync();
        foreach (var image in new[] { Busybox, Data })
        {
            await _daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image } });
        }

        _podId = (await _daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod })).PodSandboxId;
    }

    public async Task DisposeAsync()
    {
        foreach (var pod in (await _daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items)
        {
            await _daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
        }

        await _daemon.DisposeAsync();
        await _network.DisposeAsync();
        await _registry.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
        if (Directory.Exists(_pod.LogDirectory))
        {
            Directory.Delete(_pod.LogDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task CreateContainer_ImageVolume_OtherImageReadableButNotWritableNorExecutable()
    {
        var id = await RunAsync("reader", new Mount { ContainerPath = "/data", Image = new ImageSpec { Image = Data } });

        Assert.Equal("from the data image", (await ExecAsync(id, "cat", "/data/share/doc/README")).Stdout.Trim());

        // The top layer's whiteout hides share/old: the layers are stacked, not one of them shown.
        Assert.NotEqual(0, (await ExecAsync(id, "test", "-e", "/data/share/old")).ExitCode);
        var write = await ExecAsync(id, "touch", "/data/new-file");
        Assert.NotEqual(0, write.ExitCode);
        Assert.Contains("Read-only file system", write.Stderr, StringComparison.Ordinal);
        var exec = await ExecAsync(id, "sh", "-c", "/data/bin/busybox true");
        Assert.NotEqual(0, exec.ExitCode);
        Assert.Contains("ermission denied", exec.Stdout + exec.Stderr, StringComparison.Ordinal);
        var options = (await ExecAsync(id, "grep", " /data ", "/proc/self/mountinfo")).Stdout;
        Assert.Matches(@"\sro,nosuid,nodev,noexec", options);
    }

    [Theory]
    [InlineData("share/doc")]
    [InlineData("docs")]
    public async Task CreateContainer_ImageSubPath_OnlyThatDirectoryMounted(string subPath)
    {
        var id = await RunAsync("sub", new Mount { ContainerPath = "/doc", Image = new ImageSpec { Image = Data }, ImageSubPath = subPath });

        Assert.Equal("README", (await ExecAsync(id, "ls", "/doc")).Stdout.Trim());
        var status = (await _daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status;
        var mount = Assert.Single(status.Mounts);
        Assert.Equal((Data, subPath), (mount.Image.Image, mount.ImageSubPath));
    }

    [Theory]
    [InlineData("escape", StatusCode.InvalidArgument)]
    [InlineData("abs", StatusCode.InvalidArgument)]
    [InlineData("abs/passwd", StatusCode.InvalidArgument)]
    [InlineData("share/missing", StatusCode.InvalidArgument)]
    [InlineData("../etc", StatusCode.InvalidArgument)]
    public async Task CreateContainer_SubPathEscapingOrMissing_InvalidArgumentAndNothingLeft(string subPath, StatusCode expected)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            CreateAsync("bad", new Mount { ContainerPath = "/doc", Image = new ImageSpec { Image = Data }, ImageSubPath = subPath }));

        Assert.Equal(expected, error.StatusCode);
        Assert.Contains(subPath, error.Status.Detail, StringComparison.Ordinal);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task CreateContainer_ImageVolumeNotPulled_NotFoundAndNothingLeft()
    {
        var absent = $"{_registry.Host}/test/never-pushed:1";

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateAsync("absent", new Mount { ContainerPath = "/data", Image = new ImageSpec { Image = absent } }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains(absent, error.Status.Detail, StringComparison.Ordinal);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task RemoveImage_MountedAsImageVolume_RefusedUntilTheContainerIsRemoved()
    {
        var id = await CreateAsync("user", new Mount { ContainerPath = "/data", Image = new ImageSpec { Image = Data } });

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = Data } }));
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains(id, error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains((await _daemon.Images.ListImagesAsync(new ListImagesRequest())).Images, i => i.RepoTags.Contains(Data));

        await _daemon.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        await _daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = Data } });

        Assert.DoesNotContain((await _daemon.Images.ListImagesAsync(new ListImagesRequest())).Images, i => i.RepoTags.Contains(Data));
        await _daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = Data } });
    }

    [Fact]
    public async Task DaemonKilled_ImageVolumeKeptInTheContainerRemountedOnTheHostAndGoneAfterRemoval()
    {
        var id = await RunAsync("survivor", new Mount { ContainerPath = "/data", Image = new ImageSpec { Image = Data } });
        var mountPoint = Path.Combine(_daemon.State, "containers", id, "image-mounts", "0");
        Assert.True(IsMounted(mountPoint), "the overlay is not mounted on the host");

        // kill -9, and the host overlay lost as a reboot would lose it (the container keeps its own bind).
        ProcessSignals.Send(_daemon.ProcessId, ProcessSignals.SigKill);
        await _daemon.StopAsync(Timeout);
        await _daemon.DisposeAsync();
        var umount = await CommandResult.RunAsync("umount", ["-l", mountPoint], Timeout);
        Assert.Equal(0, umount.ExitCode);
        Assert.False(IsMounted(mountPoint));
        _daemon = await StartAsync();

        Assert.True(IsMounted(mountPoint), "recovery did not mount the overlay again");
        Assert.Equal("from the data image", (await ExecAsync(id, "cat", "/data/share/doc/README")).Stdout.Trim());
        await _daemon.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(Path.Combine(_daemon.State, "containers", id), StringComparison.Ordinal));
    }

    private Task<MinatoDaemon> StartAsync() => MinatoDaemon.StartInAsync(Home, "--cni-config-dir", _network.ConfigDir);

    private async Task<string> CreateAsync(string name, Mount mount)
    {
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name },
            Image = new ImageSpec { Image = Busybox },
            LogPath = name + ".log",
            Command = { "sleep", "600" },
            Mounts = { mount },
        };
        return (await _daemon.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = _podId, Config = config, SandboxConfig = _pod })).ContainerId;
    }

    private async Task<string> RunAsync(string name, Mount mount)
    {
        var id = await CreateAsync(name, mount);
        await _daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        return id;
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> ExecAsync(string id, params string[] command)
    {
        var request = new ExecSyncRequest { ContainerId = id, Timeout = 10 };
        request.Cmd.AddRange(command);
        var response = await _daemon.Runtime.ExecSyncAsync(request);
        return (response.ExitCode, response.Stdout.ToStringUtf8(), response.Stderr.ToStringUtf8());
    }

    private async Task AssertNothingLeftAsync()
    {
        Assert.Empty((await _daemon.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
        var containers = Path.Combine(_daemon.State, "containers");
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(containers, StringComparison.Ordinal));
        Assert.Empty(Directory.Exists(containers) ? Directory.GetDirectories(containers) : []);

        // The refused image is not held: it can be removed, and is pulled again for the next test.
        await _daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = Data } });
        await _daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = Data } });
    }

    private static bool IsMounted(string path) =>
        File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ') is { Length: > 4 } f && f[4] == path);
}
