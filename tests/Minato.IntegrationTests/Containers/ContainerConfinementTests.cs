using System.Globalization;
using Minato.Cri.Api.V1;

namespace Minato.IntegrationTests.Containers;

/// <summary>Capabilities, seccomp, read-only rootfs, image volumes and inherited descriptors through the daemon, checked
/// from inside the container.</summary>
[Collection(SharedContainerPod.Name)]
public sealed class ContainerConfinementTests(ContainerPodFixture fixture)
{
    private static readonly ulong DefaultSet = Bits(Cri.Containers.ContainerCapabilities.Default);

    /// <summary>What the daemon (root here) may hand out: its own bounding set.</summary>
    private static readonly ulong HostSet = Mask(File.ReadLines("/proc/self/status").Single(l => l.StartsWith("CapBnd:", StringComparison.Ordinal))[7..]);

    public static TheoryData<string, string[], string[], bool, ulong> Capabilities => new()
    {
        { "default", [], [], false, DefaultSet },
        { "add-drop", ["NET_ADMIN", "sys_time"], ["KILL", "CAP_CHOWN"], false, (DefaultSet | Bits(["CAP_NET_ADMIN", "CAP_SYS_TIME"])) & ~Bits(["CAP_KILL", "CAP_CHOWN"]) },
        { "drop-all", [], ["ALL"], false, 0 },
        { "drop-all-add-one", ["NET_BIND_SERVICE"], ["ALL"], false, Bits(["CAP_NET_BIND_SERVICE"]) },
        { "add-all", ["ALL"], [], false, HostSet },
        { "add-all-drop-one", ["ALL"], ["SYS_ADMIN"], false, HostSet & ~Bits(["CAP_SYS_ADMIN"]) },
        { "privileged", [], ["ALL"], true, HostSet },
    };

    [Theory]
    [MemberData(nameof(Capabilities))]
    public async Task CreateContainer_Capabilities_BoundingEffectiveAsAskedInheritableAndAmbientEmpty(string name, string[] add, string[] drop, bool privileged, ulong expected)
    {
        var config = ContainerPodFixture.Config("caps-" + name, "cat", "/proc/self/status");
        var security = config.Linux.SecurityContext;
        security.Privileged = privileged;
        security.Capabilities = new Capability();
        security.Capabilities.AddCapabilities.AddRange(add);
        security.Capabilities.DropCapabilities.AddRange(drop);

        var run = await fixture.RunToExitAsync(config);

        Assert.True(run.Status.ExitCode == 0, string.Join('\n', run.Lines("stderr")));
        Assert.Equal(expected, Mask(run.ProcStatus("CapBnd")));
        Assert.Equal(expected, Mask(run.ProcStatus("CapEff")));
        Assert.Equal(expected, Mask(run.ProcStatus("CapPrm")));
        Assert.Equal(0UL, Mask(run.ProcStatus("CapInh")));
        Assert.Equal(0UL, Mask(run.ProcStatus("CapAmb")));
    }

    [Theory]
    [InlineData("default-caps", "RuntimeDefault", false, "2", 1, 1)]
    [InlineData("unconfined", "Unconfined", false, "0", 1, 0)]
    [InlineData("unconfined-sys-admin", "Unconfined", true, "0", 0, 0)]
    [InlineData("default-sys-admin", "RuntimeDefault", true, "2", 0, 0)]
    public async Task CreateContainer_Seccomp_UnshareOnlyWhereProfileAndCapsAllow(string name, string profile, bool sysAdmin, string mode, int netns, int userns)
    {
        var config = ContainerPodFixture.Config("seccomp-" + name, "sh", "-c",
            "grep Seccomp: /proc/self/status; unshare -n true; echo netns=$?; unshare -U true; echo userns=$?");
        var security = config.Linux.SecurityContext;
        security.Seccomp = new SecurityProfile { ProfileType = profile == "Unconfined" ? SecurityProfile.Types.ProfileType.Unconfined : SecurityProfile.Types.ProfileType.RuntimeDefault };
        if (sysAdmin)
        {
            security.Capabilities = new Capability { AddCapabilities = { "SYS_ADMIN" } };
        }

        var run = await fixture.RunToExitAsync(config);

        Assert.Equal(mode, run.ProcStatus("Seccomp"));
        Assert.Contains($"netns={netns}", run.Stdout);

        // A user namespace needs no capability: only the profile can refuse it (the control for the netns rows).
        Assert.Contains($"userns={userns}", run.Stdout);
    }

    [Fact]
    public async Task CreateContainer_LocalhostSeccompProfileInATempDirectory_BlocksTheSyscall()
    {
        // Outside /var/lib/kubelet/seccomp, as a kubelet with another --root-dir sends it.
        var dir = Directory.CreateTempSubdirectory("minato-seccomp-");
        try
        {
            var profile = Path.Combine(dir.FullName, "block-mkdir.json");
            await File.WriteAllTextAsync(profile, """
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}
                """);
            var config = ContainerPodFixture.Config("seccomp-localhost", "sh", "-c",
                "grep Seccomp: /proc/self/status; mkdir /tmp/blocked; echo mkdir=$?; touch /tmp/allowed; echo touch=$?");
            config.Linux.SecurityContext.Seccomp = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.Localhost, LocalhostRef = profile };

            var run = await fixture.RunToExitAsync(config);

            Assert.Equal("2", run.ProcStatus("Seccomp"));
            Assert.Contains("mkdir=1", run.Stdout);
            Assert.Contains("touch=0", run.Stdout);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task CreateContainer_ReadonlyRootfs_RootRefusesWritesVolumeAndShmAccept()
    {
        var volume = Directory.CreateTempSubdirectory("minato-it-vol-").FullName;
        try
        {
            var config = ContainerPodFixture.Config("readonly", "sh", "-c",
                "touch /file; echo root=$?; touch /tmp/file; echo tmp=$?; echo hi > /vol/file; echo vol=$?; touch /dev/shm/file; echo shm=$?; " +
                "echo x >> /etc/hosts; echo hosts=$?");
            config.Linux.SecurityContext.ReadonlyRootfs = true;
            config.Mounts.Add(new Mount { ContainerPath = "/vol", HostPath = volume });

            var run = await fixture.RunToExitAsync(config);

            Assert.Equal(["root=1", "tmp=1", "vol=0", "shm=0", "hosts=1"], run.Stdout);
            Assert.Equal("hi\n", File.ReadAllText(Path.Combine(volume, "file")));
        }
        finally
        {
            Directory.Delete(volume, recursive: true);
        }
    }

    [Fact]
    public async Task CreateContainer_ImageVolumeIsASymlinkToRoot_NoHostFileAppearsAndTheHostIsUntouched()
    {
        // /etc/debian_version is on the host, not in the busybox image: through a host-side resolution it would show up.
        Assert.True(File.Exists("/etc/debian_version"));
        var config = ContainerPodFixture.Config("volume-symlink", "sh", "-c", "ls /data/etc/debian_version; echo host=$?; readlink /data; touch /data/mark; echo mark=$?");
        config.Image = new ImageSpec { Image = fixture.VolumeSymlink };

        var run = await fixture.RunToExitAsync(config);

        Assert.Equal(["host=1", "/", "mark=0"], run.Stdout);
        Assert.False(File.Exists("/mark"));
    }

    [Fact]
    public async Task StartContainer_Init_HasOnlyStdioDescriptorsAndConmonHoldsNoDaemonFile()
    {
        var id = await fixture.CreateAsync(ContainerPodFixture.Config("fds", "sleep", "600"));
        try
        {
            await fixture.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
            var listed = await fixture.Runtime.ExecSyncAsync(new ExecSyncRequest { ContainerId = id, Cmd = { "ls", "/proc/1/fd" }, Timeout = 10 });
            var conmon = File.ReadAllText(Path.Combine(fixture.Daemon.State, "containers", id, "conmon.pid")).Trim();

            Assert.Equal(["0", "1", "2"], listed.Stdout.ToStringUtf8().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            var held = Directory.GetFiles($"/proc/{conmon}/fd").Select(fd => new FileInfo(fd).LinkTarget ?? string.Empty).ToList();
            Assert.DoesNotContain(held, t => t.StartsWith(fixture.Daemon.Root, StringComparison.Ordinal) || t == fixture.Daemon.SocketPath);
        }
        finally
        {
            await fixture.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        }
    }

    [Theory]
    [InlineData("working-dir")]
    [InlineData("mount-destination")]
    [InlineData("mount-source")]
    public async Task CreateContainer_ProcSelfFdPath_InvalidArgumentAndNothingLeft(string where)
    {
        var config = ContainerPodFixture.Config("proc-fd-" + where, "true");
        switch (where)
        {
            case "working-dir":
                config.WorkingDir = "/proc/self/fd/5";
                break;
            case "mount-destination":
                config.Mounts.Add(new Mount { ContainerPath = "/proc/self/fd/7", HostPath = "/tmp" });
                break;
            default:
                config.Mounts.Add(new Mount { ContainerPath = "/x", HostPath = "/proc/1/fd/3" });
                break;
        }

        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await fixture.CreateAsync(config));

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("/fd/", error.Status.Detail, StringComparison.Ordinal);
        var left = await fixture.Runtime.ListContainersAsync(new ListContainersRequest { Filter = new ContainerFilter { PodSandboxId = fixture.PodId } });
        Assert.Empty(left.Containers);
    }

    private static ulong Mask(string hex) => ulong.Parse(hex.Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static ulong Bits(IEnumerable<string> capabilities) =>
        capabilities.Aggregate(0UL, (mask, c) => mask | (1UL << Engine.Oci.Spec.Capabilities.All.ToList().IndexOf(c)));
}
