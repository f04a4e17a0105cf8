using Google.Protobuf;
using Minato.Cri.Api.V1;
using Minato.Daemon.CriAdapters;
using Minato.Engine.Errors;

namespace Minato.Tests.Daemon.CriAdapters;

public sealed class ContainerConfigMapperTests
{
    private static ContainerConfig Proto() => new()
    {
        Metadata = new ContainerMetadata { Name = "app", Attempt = 2 },
        Image = new ImageSpec { Image = "sha256:abc", UserSpecifiedImage = "busybox" },
        Command = { "/bin/sh" },
        Args = { "-c", "id" },
        Envs = { new KeyValue { Key = "A", Value = ByteString.CopyFromUtf8("b") } },
        Mounts = { new Mount { ContainerPath = "/d", HostPath = "/h", Readonly = true, SelinuxRelabel = true, Propagation = MountPropagation.PropagationHostToContainer } },
        LogPath = "app/2.log",
        Tty = true,
        StopSignal = Signal.Sigrtminplus1,
        Linux = new LinuxContainerConfig
        {
            Resources = new LinuxContainerResources { CpuShares = 2, MemoryLimitInBytes = 5, OomScoreAdj = 3, Unified = { ["memory.high"] = "4" } },
            SecurityContext = new LinuxContainerSecurityContext
            {
                Capabilities = new Capability { AddCapabilities = { "NET_ADMIN" }, DropCapabilities = { "ALL" } },
                RunAsUser = new Int64Value { Value = 1000 },
                SupplementalGroups = { 7 },
                SupplementalGroupsPolicy = SupplementalGroupsPolicy.Strict,
                NoNewPrivs = true,
                NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Target, TargetId = "other" },
            },
        },
    };

    [Fact]
    public void ToCore_FullRequest_EveryFieldMapped()
    {
        var core = ContainerConfigMapper.ToCore(Proto(), new PodSandboxConfig { LogDirectory = "/var/log/pods/x" });

        Assert.Equal(("app", 2u, "sha256:abc", "busybox"), (core.Metadata.Name, core.Metadata.Attempt, core.Image.Image, core.Image.UserSpecifiedImage));
        Assert.Equal(["/bin/sh"], core.Command);
        Assert.Equal(["-c", "id"], core.Args);
        Assert.Equal([KeyValuePair.Create("A", "b")], core.Envs);
        Assert.Equal(new Minato.Cri.Containers.ContainerMount("/d", "/h", true, true, Minato.Cri.Containers.MountPropagation.HostToContainer), Assert.Single(core.Mounts));
        Assert.Equal("/var/log/pods/x/app/2.log", core.FullLogPath);
        Assert.Equal("SIGRTMIN+1", core.StopSignal);
        Assert.Equal((2L, 5L, 3L, "4"), (core.Resources.CpuShares, core.Resources.MemoryLimitInBytes, core.Resources.OomScoreAdj, core.Resources.Unified["memory.high"]));
        var s = core.Security;
        Assert.Equal((1000L, (long?)null, true), (s.RunAsUser!.Value, s.RunAsGroup, s.NoNewPrivs));
        Assert.Equal(Minato.Cri.Containers.SupplementalGroupsPolicy.Strict, s.SupplementalGroupsPolicy);
        Assert.Equal(["NET_ADMIN"], s.Capabilities.Add);
        Assert.Equal(["ALL"], s.Capabilities.Drop);
        Assert.Equal((Minato.Cri.Pods.NamespaceMode.Target, "other"), (s.Namespaces.Pid, s.Namespaces.TargetId));
        Assert.Null(s.Seccomp);
    }

    [Theory]
    [InlineData("runtime/default", Minato.Cri.Containers.SecurityProfileKind.RuntimeDefault)]
    [InlineData("unconfined", Minato.Cri.Containers.SecurityProfileKind.Unconfined)]
    public void ToCore_DeprecatedSeccompPath_UsedWhenFieldUnset(string path, Minato.Cri.Containers.SecurityProfileKind kind)
    {
        var proto = Proto();
#pragma warning disable CS0612 // The deprecated field is what this test is about.
        proto.Linux.SecurityContext.SeccompProfilePath = path;
#pragma warning restore CS0612

        Assert.Equal(kind, ContainerConfigMapper.ToCore(proto, null).Security.Seccomp!.Kind);
    }

    [Fact]
    public void ToCore_SeccompFieldWinsOverDeprecatedPath()
    {
        var proto = Proto();
#pragma warning disable CS0612 // The deprecated field is what this test is about.
        proto.Linux.SecurityContext.SeccompProfilePath = "nonsense";
#pragma warning restore CS0612
        proto.Linux.SecurityContext.Seccomp = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.Localhost, LocalhostRef = "/p.json" };

        Assert.Equal(new Minato.Cri.Containers.SecurityProfile(Minato.Cri.Containers.SecurityProfileKind.Localhost, "/p.json"), ContainerConfigMapper.ToCore(proto, null).Security.Seccomp);
    }

    [Fact]
    public void ToCore_BadDeprecatedPath_Rejected()
    {
        var proto = Proto();
#pragma warning disable CS0612 // The deprecated field is what this test is about.
        proto.Linux.SecurityContext.SeccompProfilePath = "docker/unconfined";
#pragma warning restore CS0612

        Assert.Throws<InvalidInputException>(() => ContainerConfigMapper.ToCore(proto, null));
    }

    [Fact]
    public void ToCore_MissingMetadata_Rejected()
    {
        Assert.Throws<InvalidInputException>(() => ContainerConfigMapper.ToCore(new ContainerConfig { Image = new ImageSpec() }, null));
    }

    [Fact]
    public void ToCore_ImageMount_ImageAndSubPathCarried()
    {
        var proto = Proto();
        proto.Mounts.Add(new Mount { ContainerPath = "/img", Image = new ImageSpec { Image = "registry.test/data:1" }, ImageSubPath = "share/doc" });

        var mount = ContainerConfigMapper.ToCore(proto, null).Mounts[^1];

        Assert.Equal(("/img", "", "registry.test/data:1", "share/doc"), (mount.ContainerPath, mount.HostPath, mount.Image, mount.ImageSubPath));
    }

    [Fact]
    public void ToCore_ImageMountWithHostPath_RejectedNamingBothFields()
    {
        var proto = Proto();
        proto.Mounts.Add(new Mount { ContainerPath = "/img", HostPath = "/etc", Image = new ImageSpec { Image = "x" } });

        var error = Assert.Throws<InvalidInputException>(() => ContainerConfigMapper.ToCore(proto, null));
        Assert.Contains("host_path and image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToCore_SubPathWithoutImage_Rejected()
    {
        var proto = Proto();
        proto.Mounts.Add(new Mount { ContainerPath = "/img", HostPath = "/srv", ImageSubPath = "x" });

        var error = Assert.Throws<InvalidInputException>(() => ContainerConfigMapper.ToCore(proto, null));
        Assert.Contains("image_sub_path", error.Message, StringComparison.Ordinal);
    }
}
