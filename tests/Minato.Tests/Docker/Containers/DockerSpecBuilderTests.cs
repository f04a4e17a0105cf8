using System.Runtime.InteropServices;
using Minato.Docker.Containers;
using Minato.Docker.Http;
using Minato.Engine.Containers;
using Minato.Tests.Containers;

namespace Minato.Tests.Docker.Containers;

public sealed class DockerSpecBuilderTests : IDisposable
{
    private const string Id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private readonly string _rootfs = Directory.CreateTempSubdirectory("docker-spec-").FullName;
    private readonly DockerSpecBuilder _builder;

    public DockerSpecBuilderTests()
    {
        Directory.CreateDirectory(Path.Combine(_rootfs, "etc"));
        File.WriteAllText(Path.Combine(_rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nweb:x:1000:1000::/home/web:/bin/sh\n");
        File.WriteAllText(Path.Combine(_rootfs, "etc", "group"), "root:x:0:\nweb:x:1000:\nstaff:x:50:web\n");
        _builder = new DockerSpecBuilder(
            new DockerSpecOptions { InitPath = "/usr/bin/catatonit", Architecture = Architecture.X64, HostName = "node1" },
            new FakeHostDevices());
    }

    public void Dispose() => Directory.Delete(_rootfs, recursive: true);

    [Fact]
    public void Build_Defaults_DockerCapabilitiesSeccompMaskedPathsAndOwnEtcFiles()
    {
        var spec = Build(new HostConfig()).Spec;

        Assert.Contains("CAP_NET_RAW", spec.Process.Capabilities!.Bounding);
        Assert.Contains("CAP_AUDIT_WRITE", spec.Process.Capabilities.Bounding);
        Assert.DoesNotContain("CAP_SYS_ADMIN", spec.Process.Capabilities.Bounding);
        Assert.NotNull(spec.Linux.Seccomp);
        Assert.Contains("/proc/kcore", spec.Linux.MaskedPaths!);
        Assert.Equal("/x/hosts", spec.Mounts!.Single(m => m.Destination == "/etc/hosts").Source);
        Assert.Equal(Id[..12], spec.Hostname);
        Assert.Equal($"/minato-docker/{Id}", spec.Linux.CgroupsPath);
        Assert.Contains(spec.Linux.Namespaces!, n => n.Type == "network" && n.Path is null);
    }

    [Fact]
    public void Build_UserByName_ResolvedFromImagePasswdWithMemberships()
    {
        var spec = Build(new HostConfig(), new ContainerConfig { User = "web" }).Spec;

        Assert.Equal(1000u, spec.Process.User.Uid);
        Assert.Equal(1000u, spec.Process.User.Gid);
        Assert.Contains(50u, spec.Process.User.AdditionalGids!);
        Assert.Contains("HOME=/home/web", spec.Process.Env!);
    }

    [Fact]
    public void Build_UnknownUser_Throws400NamingTheUser()
    {
        var e = Assert.Throws<DockerApiException>(() => Build(new HostConfig(), new ContainerConfig { User = "nobody2" }));

        Assert.Equal(400, e.Status);
        Assert.Contains("nobody2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EnvWorkdirTty_RequestOverridesImage()
    {
        var image = new ImageRuntimeConfig { Env = ["PATH=/image/bin", "A=image"], WorkingDir = "/srv" };
        var config = new ContainerConfig { Env = ["A=request"], WorkingDir = "/work/dir", Tty = true };

        var prepared = Build(new HostConfig(), config, image);

        Assert.Equal(["PATH=/image/bin", $"HOSTNAME={Id[..12]}", "A=request", "TERM=xterm", "HOME=/root"], prepared.Spec.Process.Env);
        Assert.Equal("/work/dir", prepared.Spec.Process.Cwd);
        Assert.Contains("work/dir", prepared.RootfsDirectories);
        Assert.True(prepared.Spec.Process.Terminal);
    }

    [Fact]
    public void Build_CapAddDropPrivilegedAndSecurityOpts_Applied()
    {
        var spec = Build(new HostConfig { CapAdd = ["SYS_ADMIN"], CapDrop = ["NET_RAW"], SecurityOpt = ["seccomp=unconfined", "no-new-privileges"] }).Spec;
        Assert.Contains("CAP_SYS_ADMIN", spec.Process.Capabilities!.Bounding);
        Assert.DoesNotContain("CAP_NET_RAW", spec.Process.Capabilities.Bounding);
        Assert.Null(spec.Linux.Seccomp);
        Assert.True(spec.Process.NoNewPrivileges);

        var privileged = Build(new HostConfig { Privileged = true }).Spec;
        Assert.Null(privileged.Linux.MaskedPaths);
        Assert.Null(privileged.Linux.Seccomp);
        Assert.Contains(privileged.Linux.Devices!, d => d.Path == "/dev/fuse");
    }

    [Fact]
    public void Build_UnknownSecurityOpt_Throws400()
    {
        Assert.Equal(400, Assert.Throws<DockerApiException>(() => Build(new HostConfig { SecurityOpt = ["bogus=1"] })).Status);
    }

    [Fact]
    public void Build_Resources_MemoryNanoCpusSharesPids()
    {
        var resources = Build(new HostConfig { Memory = 64 << 20, NanoCpus = 1_500_000_000, CpuShares = 512, PidsLimit = 100 }).Spec.Linux.Resources!;

        Assert.Equal(64L << 20, resources.Memory!.Limit);
        Assert.Equal(150_000, resources.Cpu!.Quota);
        Assert.Equal(100_000UL, resources.Cpu.Period);
        Assert.Equal(512UL, resources.Cpu.Shares);
        Assert.Equal(100, resources.Pids!.Limit);
    }

    [Fact]
    public void Build_BindsMountsAndTmpfs_InMountOrder()
    {
        var host = new HostConfig
        {
            Binds = ["/srv/data:/data:ro"],
            Mounts = [new MountRequest { Type = "tmpfs", Target = "/data/cache", TmpfsOptions = new TmpfsOptions { SizeBytes = 1 << 20 } }],
            Tmpfs = new Dictionary<string, string> { ["/run"] = "rw,size=64m" },
            ReadonlyRootfs = true,
        };

        var spec = Build(host).Spec;

        var data = spec.Mounts!.Single(m => m.Destination == "/data");
        Assert.Equal(["rbind", "rprivate", "ro"], data.Options);
        Assert.Contains($"size={1 << 20}", spec.Mounts!.Single(m => m.Destination == "/data/cache").Options!);
        Assert.Contains("size=64m", spec.Mounts!.Single(m => m.Destination == "/run").Options!);
        Assert.True(spec.Mounts!.ToList().FindIndex(m => m.Destination == "/data") < spec.Mounts!.ToList().FindIndex(m => m.Destination == "/data/cache"));
        Assert.True(spec.Root.Readonly);
    }

    [Theory]
    [InlineData("myvolume:/data")]
    [InlineData("/a:/b:bogus")]
    [InlineData("/a:relative")]
    public void ParseBind_BadOrNamedVolume_Throws400(string bind)
    {
        Assert.Equal(400, Assert.Throws<DockerApiException>(() => DockerMounts.ParseBind(bind)).Status);
    }

    [Fact]
    public void Build_Init_RunsCatatoniteBeforeTheCommand()
    {
        var prepared = Build(new HostConfig { Init = true });

        Assert.Equal(["/sbin/docker-init", "--", "/bin/sh", "-c", "true"], prepared.Spec.Process.Args);
        Assert.Contains(prepared.Spec.Mounts!, m => m.Destination == "/sbin/docker-init" && m.Source == "/usr/bin/catatonit");
    }

    [Fact]
    public void Args_InitWithoutCatatonit_Throws400()
    {
        var builder = new DockerSpecBuilder(new DockerSpecOptions { InitPath = null }, new FakeHostDevices());

        var e = Assert.Throws<DockerApiException>(() => builder.Args(Container(new HostConfig { Init = true }, new ContainerConfig()), new HostConfig { Init = true }));

        Assert.Equal(400, e.Status);
        Assert.Contains("catatonit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_HostNetwork_NoNetworkNamespaceAndHostName()
    {
        var spec = Build(new HostConfig { NetworkMode = "host" }).Spec;

        Assert.DoesNotContain(spec.Linux.Namespaces!, n => n.Type == "network");
        Assert.Equal("node1", spec.Hostname);
    }

    [Fact]
    public void Command_RequestEntrypointDropsImageCmd()
    {
        Assert.Equal(["/bin/echo"], DockerProcess.Command(new ContainerConfig { Entrypoint = ["/bin/echo"] }, ["/entry"], ["cmd"]));
        Assert.Equal(["/entry", "x"], DockerProcess.Command(new ContainerConfig { Cmd = ["x"] }, ["/entry"], ["cmd"]));
        Assert.Equal(400, Assert.Throws<DockerApiException>(() => DockerProcess.Command(new ContainerConfig(), [], [])).Status);
    }

    [Fact]
    public void StopSignal_DefaultAndBad()
    {
        Assert.Equal("SIGTERM", DockerSpecBuilder.StopSignal(new ContainerConfig(), ImageRuntimeConfig.Empty));
        Assert.Equal("SIGQUIT", DockerSpecBuilder.StopSignal(new ContainerConfig(), new ImageRuntimeConfig { StopSignal = "SIGQUIT" }));
        Assert.Equal(400, Assert.Throws<DockerApiException>(() => DockerSpecBuilder.StopSignal(new ContainerConfig { StopSignal = "SIGNOPE" }, ImageRuntimeConfig.Empty)).Status);
    }

    private PreparedSpec Build(HostConfig host, ContainerConfig? config = null, ImageRuntimeConfig? image = null) =>
        _builder.Build(Container(host, config ?? new ContainerConfig()), new ContainerRootfs(Id, _rootfs, image ?? ImageRuntimeConfig.Empty), null);

    private static DockerContainer Container(HostConfig host, ContainerConfig config) => new()
    {
        Id = Id,
        Name = "/web",
        ImageName = "busybox",
        ImageId = "sha256:00",
        Config = config,
        HostConfig = host,
        Path = "/bin/sh",
        Args = ["-c", "true"],
        Directory = "/x",
    };
}
