using Minato.Cri.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Containers;

public sealed class ContainerSecurityTests
{
    private static readonly ContainerSpecOptions Options = new() { HostCapabilities = Capabilities.All };

    [Fact]
    public void Resolve_NoChanges_DefaultSetInheritableAndAmbientEmpty()
    {
        var caps = ContainerCapabilities.Resolve(new ContainerSecurity(), Options);

        Assert.Equal(
            ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE"],
            caps.Bounding);
        Assert.Equal(caps.Bounding, caps.Effective);
        Assert.Equal(caps.Bounding, caps.Permitted);
        Assert.Empty(caps.Inheritable);
        Assert.Empty(caps.Ambient);
    }

    [Fact]
    public void Apply_AddAndDrop_NamesNormalised()
    {
        var set = Capabilities.Apply(ContainerCapabilities.Default, new CapabilityChanges(["net_admin", "CAP_SYS_TIME"], ["KILL", "cap_chown"]));

        Assert.Contains("CAP_NET_ADMIN", set);
        Assert.Contains("CAP_SYS_TIME", set);
        Assert.DoesNotContain("CAP_KILL", set);
        Assert.DoesNotContain("CAP_CHOWN", set);
    }

    [Fact]
    public void Apply_DropAllAddOne_OnlyThatOne()
    {
        Assert.Equal(["CAP_NET_BIND_SERVICE"], Capabilities.Apply(ContainerCapabilities.Default, new CapabilityChanges(["NET_BIND_SERVICE"], ["ALL"])));
    }

    [Fact]
    public void Apply_AddAllDropOne_EverythingElse()
    {
        var set = Capabilities.Apply(ContainerCapabilities.Default, new CapabilityChanges(["ALL"], ["SYS_ADMIN"]));

        Assert.Equal(Capabilities.All.Count - 1, set.Count);
        Assert.DoesNotContain("CAP_SYS_ADMIN", set);
    }

    [Fact]
    public void Apply_AddAllOnAHostWithoutSome_OnlyWhatTheHostHolds()
    {
        var host = SpecHostFacts.FromMask(0x1fffeffffff);

        var set = Capabilities.Apply(ContainerCapabilities.Default, new CapabilityChanges(["ALL"], ["SYS_ADMIN"]), host);

        Assert.Equal(host.Where(c => c != "CAP_SYS_ADMIN"), set);
        Assert.DoesNotContain("CAP_SYS_RESOURCE", set);
    }

    [Fact]
    public void Apply_UnknownName_Rejected()
    {
        Assert.Throws<InvalidInputException>(() => Capabilities.Apply([], new CapabilityChanges(["CAP_MAKE_COFFEE"], [])));
    }

    [Fact]
    public void Resolve_Privileged_HostCapabilitiesOnly()
    {
        var options = Options with { HostCapabilities = SpecHostFacts.FromMask(0x1fffeffffff) };

        var caps = ContainerCapabilities.Resolve(new ContainerSecurity { Privileged = true, Capabilities = new(["ALL"], []) }, options);

        Assert.Equal(40, caps.Bounding.Count);
        Assert.DoesNotContain("CAP_SYS_RESOURCE", caps.Bounding);
        Assert.Empty(caps.Ambient);
    }

    [Fact]
    public void Clamp_BelowDaemonScoreWithoutCapSysResource_RaisedToDaemonScore()
    {
        var oom = new OomScore(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.Equal(-500, oom.Clamp(-997, -500));
        Assert.Equal(1000, oom.Clamp(1000, -500));
        Assert.Equal(-997, oom.Clamp(-997, null));
        Assert.Throws<InvalidInputException>(() => oom.Clamp(1001, null));
    }

    [Fact]
    public void ProcPaths_EmptyDefaultsPrivilegedNone()
    {
        Assert.Equal(ProcPaths.DefaultMasked, ProcPaths.Resolve("m", [], ProcPaths.DefaultMasked, false));
        Assert.Equal(["/proc/x"], ProcPaths.Resolve("m", ["/proc/./x"], ProcPaths.DefaultMasked, false));
        Assert.Null(ProcPaths.Resolve("m", ["/proc/x"], ProcPaths.DefaultMasked, true));
        Assert.Throws<InvalidInputException>(() => ProcPaths.Resolve("m", ["proc"], ProcPaths.DefaultMasked, false));
    }

    [Theory]
    [InlineData("runtime/default", SecurityProfileKind.RuntimeDefault, "")]
    [InlineData("docker/default", SecurityProfileKind.RuntimeDefault, "")]
    [InlineData("unconfined", SecurityProfileKind.Unconfined, "")]
    [InlineData("localhost//var/lib/kubelet/seccomp/a.json", SecurityProfileKind.Localhost, "/var/lib/kubelet/seccomp/a.json")]
    public void LegacySeccomp_KnownForms_Parsed(string path, SecurityProfileKind kind, string reference)
    {
        Assert.Equal(new SecurityProfile(kind, reference), LegacyProfilePaths.Seccomp(path));
    }

    [Theory]
    [InlineData("default")]
    [InlineData("localhost/")]
    [InlineData("Unconfined")]
    public void LegacySeccomp_Other_Rejected(string path)
    {
        Assert.Throws<InvalidInputException>(() => LegacyProfilePaths.Seccomp(path));
    }

    [Fact]
    public void LegacySeccomp_Empty_Unset()
    {
        Assert.Null(LegacyProfilePaths.Seccomp(""));
    }

    [Fact]
    public void AppArmor_KernelWithout_IgnoredUnlessLocalhost()
    {
        var security = new ContainerSecurity { AppArmor = SecurityProfile.RuntimeDefault };

        Assert.Null(ContainerProfiles.AppArmor(security, Options));
        Assert.Throws<InvalidInputException>(() => ContainerProfiles.AppArmor(security with { AppArmor = new(SecurityProfileKind.Localhost, "p") }, Options));
        Assert.Equal("p", ContainerProfiles.AppArmor(security with { AppArmor = new(SecurityProfileKind.Localhost, "p") }, Options with { AppArmorEnabled = true }));
    }
}
