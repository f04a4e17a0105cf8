using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Containers;

/// <summary>Mount.recursive_read_only through the daemon and runc: a hostPath with a tmpfs mounted below it, where a plain
/// read-only bind leaves the submount writable and a recursive one does not.</summary>
[Collection(SharedContainerPod.Name)]
public sealed class RecursiveReadOnlyMountTests(ContainerPodFixture fixture) : IAsyncLifetime
{
    private string _dir = null!;

    private string Sub => Path.Combine(_dir, "sub");

    public async Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("minato-it-rro-").FullName;
        Directory.CreateDirectory(Sub);
        var mounted = await CommandResult.RunAsync("mount", ["-t", "tmpfs", "-o", "size=1m", "minato-rro-test", Sub], TimeSpan.FromSeconds(10));
        Assert.True(mounted.ExitCode == 0, mounted.Stderr);
        await File.WriteAllTextAsync(Path.Combine(Sub, "marker"), "submount-visible\n");
    }

    public async Task DisposeAsync()
    {
        await CommandResult.RunAsync("umount", ["-l", Sub], TimeSpan.FromSeconds(10));
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task CreateContainer_RecursiveReadOnlyHostPathWithSubmount_WritingUnderTheSubmountFailsInsideWorksOnTheHost()
    {
        var run = await fixture.RunToExitAsync(Config("rro-recursive", recursive: true));

        Assert.Contains("submount-visible", run.Stdout);
        Assert.Contains("top=readonly", run.Stdout);
        Assert.Contains("sub=readonly", run.Stdout);
        await File.WriteAllTextAsync(Path.Combine(Sub, "from-host"), "ok");
        Assert.Equal("ok", await File.ReadAllTextAsync(Path.Combine(Sub, "from-host")));
    }

    [Fact]
    public async Task CreateContainer_ReadonlyWithoutRecursive_SubmountStaysWritable()
    {
        var run = await fixture.RunToExitAsync(Config("rro-plain", recursive: false));

        Assert.Contains("top=readonly", run.Stdout);
        Assert.Contains("sub=writable", run.Stdout);
    }

    [Theory]
    [InlineData(false, MountPropagation.PropagationPrivate, "needs readonly")]
    [InlineData(true, MountPropagation.PropagationHostToContainer, "needs private propagation")]
    public async Task CreateContainer_RecursiveReadOnlyWithoutReadonlyOrPrivatePropagation_IsInvalidArgument(bool readOnly, MountPropagation propagation, string reason)
    {
        var config = Config("rro-invalid", recursive: true);
        config.Mounts[0].Readonly = readOnly;
        config.Mounts[0].Propagation = propagation;

        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.CreateAsync(config));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"mounts.recursive_read_only of /data {reason}", error.Status.Detail, StringComparison.Ordinal);
    }

    private ContainerConfig Config(string name, bool recursive)
    {
        var config = ContainerPodFixture.Config(name, "sh", "-c",
            "cat /data/sub/marker; touch /data/top && echo top=writable || echo top=readonly; " +
            "touch /data/sub/new && echo sub=writable || echo sub=readonly");
        config.Mounts.Add(new Mount { ContainerPath = "/data", HostPath = _dir, Readonly = true, RecursiveReadOnly = recursive });
        return config;
    }
}
