using Minato.Cri.Containers;
using Minato.Cri.Pods;
using Minato.Engine.Containers;
using Minato.Engine.Errors;

namespace Minato.Tests.Containers;

public sealed class ContainerMountsTests : IDisposable
{
    private readonly SpecFixture _f = new();

    public void Dispose() => _f.Dispose();

    private ContainerMountPlan Build(ContainerConfig config, ImageRuntimeConfig? image = null) =>
        ContainerMounts.Build(config, _f.Sandbox, image ?? ImageRuntimeConfig.Empty);

    [Fact]
    public void Build_Defaults_KernelFsPodFilesAndShm()
    {
        var plan = Build(SpecFixture.Config());

        Assert.Equal(
            ["/proc", "/dev", "/sys", "/dev/pts", "/dev/mqueue", "/dev/shm", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/sys/fs/cgroup"],
            plan.Mounts.Select(m => m.Destination));
        var sys = plan.Mounts.Single(m => m.Destination == "/sys");
        Assert.Contains("ro", sys.Options!);
        Assert.Equal("/run/minato/pods/pod1/shm", plan.Mounts.Single(m => m.Destination == "/dev/shm").Source);
        Assert.Equal("/run/minato/pods/pod1/hosts", plan.Mounts.Single(m => m.Destination == "/etc/hosts").Source);
        Assert.Null(plan.RootfsPropagation);
    }

    [Fact]
    public void Build_Privileged_SysAndCgroupWritable()
    {
        var plan = Build(SpecFixture.Config(new ContainerSecurity { Privileged = true }));

        Assert.Contains("rw", plan.Mounts.Single(m => m.Destination == "/sys").Options!);
        Assert.Contains("rw", plan.Mounts.Single(m => m.Destination == "/sys/fs/cgroup").Options!);
    }

    [Fact]
    public void Build_HostIpcPod_BindsHostShm()
    {
        _f.Sandbox = _f.Sandbox with { ShmPath = null, Config = _f.Sandbox.Config with { Namespaces = new(NamespaceMode.Pod, NamespaceMode.Container, NamespaceMode.Node) } };

        Assert.Equal("/dev/shm", Build(SpecFixture.Config()).Mounts.Single(m => m.Destination == "/dev/shm").Source);
    }

    [Fact]
    public void Build_CriMounts_OptionsPropagationRelabelAndOrder()
    {
        var config = SpecFixture.Config() with
        {
            Mounts =
            [
                new("/data/cache", "/var/lib/kubelet/c", Readonly: true, SelinuxRelabel: true),
                new("/data", "/var/lib/kubelet/d", Propagation: MountPropagation.HostToContainer),
                new("/shared", "/mnt/shared", Propagation: MountPropagation.Bidirectional),
            ],
        };

        var plan = Build(config);

        var names = plan.Mounts.Select(m => m.Destination).ToList();
        Assert.True(names.IndexOf("/data") < names.IndexOf("/data/cache"));
        Assert.Equal(["rbind", "rprivate", "ro"], plan.Mounts.Single(m => m.Destination == "/data/cache").Options);
        Assert.Equal(["rbind", "rslave", "rw"], plan.Mounts.Single(m => m.Destination == "/data").Options);
        Assert.Equal(["rbind", "rshared", "rw"], plan.Mounts.Single(m => m.Destination == "/shared").Options);
        Assert.Equal("rshared", plan.RootfsPropagation);
        Assert.Equal(["/var/lib/kubelet/c"], plan.RelabelPaths);
    }

    [Fact]
    public void Build_ImageVolume_ReadOnlyNoexecBindOfTheEngineSourceNeverRelabelled()
    {
        var source = "/run/minato/containers/c1/image-mounts/0/share";
        var config = SpecFixture.Config() with
        {
            Mounts = [new("/models", source, Readonly: false, SelinuxRelabel: true) { Image = "registry.test/models:1", ImageSubPath = "share" }],
        };

        var mount = Build(config).Mounts.Single(m => m.Destination == "/models");

        Assert.Equal(("bind", source), (mount.Type, mount.Source));
        Assert.Equal(["rbind", "rprivate", "ro", "nosuid", "nodev", "noexec"], mount.Options);
        Assert.Empty(Build(config).RelabelPaths);
    }

    [Fact]
    public void Build_OnlySlaveMount_RootfsRslave()
    {
        var plan = Build(SpecFixture.Config() with { Mounts = [new("/d", "/h", Propagation: MountPropagation.HostToContainer)] });

        Assert.Equal("rslave", plan.RootfsPropagation);
    }

    [Fact]
    public void Build_CriMountOverDefault_ReplacesIt()
    {
        var plan = Build(SpecFixture.Config() with { Mounts = [new("/etc/hosts", "/var/lib/kubelet/pods/x/etc-hosts")] });

        Assert.Equal("/var/lib/kubelet/pods/x/etc-hosts", Assert.Single(plan.Mounts, m => m.Destination == "/etc/hosts").Source);
    }

    [Fact]
    public void Build_ReadonlyRootfs_PodFilesReadOnly()
    {
        var plan = Build(SpecFixture.Config(new ContainerSecurity { ReadonlyRootfs = true }));

        Assert.Contains("ro", plan.Mounts.Single(m => m.Destination == "/etc/resolv.conf").Options!);
    }

    [Theory]
    [InlineData("/proc/self/fd/3", "/x")]
    [InlineData("/x", "/proc/self/fd/3")]
    [InlineData("/", "/x")]
    [InlineData("relative", "/x")]
    [InlineData("/x\n", "/x")]
    public void Build_BadCriMountPaths_Rejected(string container, string host)
    {
        Assert.Throws<InvalidInputException>(() => Build(SpecFixture.Config() with { Mounts = [new(container, host)] }));
    }

    [Fact]
    public void Build_ImageVolumes_DirectoriesInRootfsNoMounts()
    {
        var plan = Build(SpecFixture.Config() with { Mounts = [new("/data", "/h")] }, ImageRuntimeConfig.Empty with { Volumes = ["/var/lib/app", "cache", "/data/sub"] });

        Assert.Equal(["var/lib/app", "cache"], plan.Volumes);
        Assert.DoesNotContain(plan.Mounts, m => m.Destination == "/var/lib/app");
    }

    [Theory]
    [InlineData("/proc/sys")]
    [InlineData("/sys")]
    [InlineData("/")]
    public void Build_ImageVolumeUnderProcOrSys_Rejected(string volume)
    {
        Assert.Throws<InvalidInputException>(() => Build(SpecFixture.Config(), ImageRuntimeConfig.Empty with { Volumes = [volume] }));
    }

    [Fact]
    public void RootfsDirectories_VolumeSymlinkToRoot_CreatesInsideRootfsOnly()
    {
        // VOLUME /vol where the image made /vol a symlink to '/': the directory must land in the rootfs, not on the host.
        Directory.CreateSymbolicLink(Path.Combine(_f.Rootfs, "vol"), "/");
        var marker = "minato-volume-" + Guid.NewGuid().ToString("N");

        RootfsDirectories.Create(_f.Rootfs, [$"vol/{marker}"]);

        Assert.True(Directory.Exists(Path.Combine(_f.Rootfs, marker)));
        Assert.False(Directory.Exists("/" + marker));
    }
}
