using System.Runtime.InteropServices;
using System.Text.Json;
using Minato.Cri.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Containers;

public sealed class SeccompProfileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static bool Allows(LinuxSeccomp profile, string syscall) =>
        profile.Syscalls!.Any(r => r.Names.Contains(syscall) && r.Action == "SCMP_ACT_ALLOW" && r.Args is null);

    [Fact]
    public void RuntimeDefault_RoundTripsThroughJson_DefaultIsEperm()
    {
        var profile = RuntimeDefaultSeccomp.For(ContainerCapabilities.Default, Architecture.X64);

        var json = JsonSerializer.Serialize(profile, RuntimeSpecJsonContext.Default.LinuxSeccomp);
        var parsed = JsonSerializer.Deserialize(json, RuntimeSpecJsonContext.Default.LinuxSeccomp)!;

        Assert.Equal("SCMP_ACT_ERRNO", parsed.DefaultAction);
        Assert.Equal(1u, parsed.DefaultErrnoRet);
        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], parsed.Architectures);
        Assert.Contains("\"defaultErrnoRet\": 1", json, StringComparison.Ordinal);
        Assert.True(Allows(parsed, "read") && Allows(parsed, "execve") && Allows(parsed, "socket"));
    }

    [Theory]
    [InlineData("unshare")]
    [InlineData("setns")]
    [InlineData("mount")]
    [InlineData("pivot_root")]
    [InlineData("clone3")]
    [InlineData("keyctl")]
    [InlineData("userfaultfd")]
    [InlineData("io_uring_setup")]
    [InlineData("bpf")]
    [InlineData("kexec_load")]
    public void RuntimeDefault_WithoutSysAdmin_DoesNotAllow(string syscall)
    {
        var profile = RuntimeDefaultSeccomp.For(ContainerCapabilities.Default, Architecture.X64);

        Assert.False(Allows(profile, syscall));
    }

    [Fact]
    public void RuntimeDefault_WithoutSysAdmin_CloneOnlyWithoutNamespaceFlagsAndClone3Enosys()
    {
        var profile = RuntimeDefaultSeccomp.For(ContainerCapabilities.Default, Architecture.X64);

        var clone = Assert.Single(profile.Syscalls!, r => r.Names.Contains("clone"));
        var arg = Assert.Single(clone.Args!);
        Assert.Equal(("SCMP_CMP_MASKED_EQ", 0x7E020000UL, 0UL), (arg.Op, arg.Value, arg.ValueTwo!.Value));
        var clone3 = Assert.Single(profile.Syscalls!, r => r.Names.Contains("clone3"));
        Assert.Equal(("SCMP_ACT_ERRNO", 38u), (clone3.Action, clone3.ErrnoRet!.Value));
    }

    [Fact]
    public void RuntimeDefault_WithSysAdmin_AllowsNamespacesAndMounts()
    {
        var profile = RuntimeDefaultSeccomp.For([.. ContainerCapabilities.Default, "CAP_SYS_ADMIN"], Architecture.X64);

        Assert.True(Allows(profile, "unshare") && Allows(profile, "clone") && Allows(profile, "clone3") && Allows(profile, "mount"));
        Assert.DoesNotContain(profile.Syscalls!, r => r.Action == "SCMP_ACT_ERRNO");
    }

    [Fact]
    public void RuntimeDefault_Arm64_NativeAndCompatArchitectures()
    {
        Assert.Equal(["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"], RuntimeDefaultSeccomp.For([], Architecture.Arm64).Architectures);
    }

    [Fact]
    public void Load_ProfileInDirectory_Parsed()
    {
        _dir.Write("profiles/audit.json", """{"defaultAction":"SCMP_ACT_LOG","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":13,"comment":"ignored"}]}""");

        var profile = SeccompProfileFile.Load(_dir.Combine("profiles"), _dir.Combine("profiles", "audit.json"));

        Assert.Equal("SCMP_ACT_LOG", profile.DefaultAction);
        Assert.Equal(13u, Assert.Single(profile.Syscalls!).ErrnoRet);
    }

    [Fact]
    public void Load_RelativeReference_ResolvedInDirectory()
    {
        _dir.Write("profiles/sub/p.json", """{"defaultAction":"SCMP_ACT_ALLOW"}""");

        Assert.Equal("SCMP_ACT_ALLOW", SeccompProfileFile.Load(_dir.Combine("profiles"), "sub/p.json").DefaultAction);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../outside.json")]
    [InlineData("PROFILES/../outside.json")]
    [InlineData("PROFILES-evil/p.json")]
    public void Load_PathOutsideDirectory_Rejected(string reference)
    {
        _dir.Write("outside.json", """{"defaultAction":"SCMP_ACT_ALLOW"}""");
        _dir.Write("profiles-evil/p.json", """{"defaultAction":"SCMP_ACT_ALLOW"}""");
        Directory.CreateDirectory(_dir.Combine("profiles"));

        var error = Assert.Throws<InvalidInputException>(() => SeccompProfileFile.Load(_dir.Combine("profiles"), reference.Replace("PROFILES", _dir.Combine("profiles"), StringComparison.Ordinal)));
        Assert.DoesNotContain("valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SymlinkOutOfDirectory_NotFollowedOut()
    {
        _dir.Write("outside.json", """{"defaultAction":"SCMP_ACT_ALLOW"}""");
        Directory.CreateDirectory(_dir.Combine("profiles"));
        File.CreateSymbolicLink(_dir.Combine("profiles", "link.json"), _dir.Combine("outside.json"));

        Assert.Throws<InvalidInputException>(() => SeccompProfileFile.Load(_dir.Combine("profiles"), "link.json"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"syscalls":[]}""")]
    [InlineData("""{"defaultAction":"SCMP_ACT_MAYBE"}""")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["../x"],"action":"SCMP_ACT_ALLOW"}]}""")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":9,"value":1,"op":"SCMP_CMP_EQ"}]}]}""")]
    public void Load_InvalidProfile_Rejected(string content)
    {
        _dir.Write("profiles/bad.json", content);

        Assert.Throws<InvalidInputException>(() => SeccompProfileFile.Load(_dir.Combine("profiles"), "bad.json"));
    }

    [Fact]
    public void Load_HugeProfile_Rejected()
    {
        _dir.Write("profiles/huge.json", """{"defaultAction":"SCMP_ACT_ALLOW"}""" + new string(' ', SeccompProfileFile.MaxBytes));

        Assert.Throws<InvalidInputException>(() => SeccompProfileFile.Load(_dir.Combine("profiles"), "huge.json"));
    }

    [Fact]
    public void Seccomp_PrivilegedOrUnconfined_None()
    {
        var options = new ContainerSpecOptions();

        Assert.Null(ContainerProfiles.Seccomp(new ContainerSecurity { Privileged = true, Seccomp = SecurityProfile.RuntimeDefault }, [], options));
        Assert.Null(ContainerProfiles.Seccomp(new ContainerSecurity(), [], options));
        Assert.NotNull(ContainerProfiles.Seccomp(new ContainerSecurity(), [], options with { SeccompWhenUnset = SecurityProfile.RuntimeDefault }));
    }
}
