using System.Diagnostics;
using Minato.Cri.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Containers;

/// <summary>Where a Localhost seccomp profile may be when no <c>seccomp_profile_root</c> is configured (the default).</summary>
public sealed class SeccompLocalhostPathTests : IDisposable
{
    private const string Allow = """{"defaultAction":"SCMP_ACT_ALLOW"}""";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_NoRootAbsolutePathOutsideKubeletDirectory_Loaded()
    {
        var path = _dir.Write("anywhere/block.json", """{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}""");

        var profile = SeccompProfileFile.Load(null, path);

        Assert.Equal("mkdir", Assert.Single(Assert.Single(profile.Syscalls!).Names));
    }

    [Fact]
    public void Load_NoRootSymlinkToRegularFile_Followed()
    {
        var target = _dir.Write("real.json", Allow);
        File.CreateSymbolicLink(_dir.Combine("link.json"), target);

        Assert.Equal("SCMP_ACT_ALLOW", SeccompProfileFile.Load(null, _dir.Combine("link.json")).DefaultAction);
    }

    [Theory]
    [InlineData("block.json")]
    [InlineData("profiles/block.json")]
    public void Load_NoRootRelativePath_RefusedAsNotAbsolute(string path)
    {
        var error = Assert.Throws<InvalidInputException>(() => SeccompProfileFile.Load(null, path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("absolute", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoRootMissingFile_MessageNamesFile()
    {
        var path = _dir.Combine("missing.json");

        var error = Assert.Throws<InvalidInputException>(() => SeccompProfileFile.Load(null, path));

        Assert.Equal($"seccomp profile {path} does not exist", error.Message);
    }

    [Fact]
    public void Load_NoRootDirectory_NotARegularFile()
    {
        Directory.CreateDirectory(_dir.Combine("dir.json"));

        var error = Assert.Throws<InvalidInputException>(() => SeccompProfileFile.Load(null, _dir.Combine("dir.json")));

        Assert.Contains("is not a regular file (it is a directory)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoRootDeviceNode_NotARegularFile()
    {
        var error = Assert.Throws<InvalidInputException>(() => SeccompProfileFile.Load(null, "/dev/null"));

        Assert.Equal("seccomp profile /dev/null is not a regular file", error.Message);
    }

    [Fact]
    public async Task Load_NoRootFifo_RefusedWithoutOpeningIt()
    {
        var fifo = _dir.Combine("fifo.json");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo") { ArgumentList = { fifo } })!)
        {
            await mkfifo.WaitForExitAsync();
        }

        // Opening a FIFO for reading would block the daemon until a writer came; it must be refused from its type.
        var load = Task.Run(() => SeccompProfileFile.Load(null, fifo));

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => load.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("is not a regular file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoRootTooLarge_MessageNamesFileAndLimit()
    {
        var path = _dir.Write("huge.json", Allow + new string(' ', SeccompProfileFile.MaxBytes));

        var error = Assert.Throws<InvalidInputException>(() => SeccompProfileFile.Load(null, path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains($"more than the {SeccompProfileFile.MaxBytes} allowed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoRootInvalidJson_MessageNamesFile()
    {
        var path = _dir.Write("bad.json", "{ not json");

        var error = Assert.Throws<InvalidInputException>(() => SeccompProfileFile.Load(null, path));

        Assert.StartsWith($"seccomp profile {path} is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RootConfiguredPathOutside_RefusedNamingTheRoot()
    {
        var path = _dir.Write("elsewhere/p.json", Allow);
        Directory.CreateDirectory(_dir.Combine("root"));

        var error = Assert.Throws<InvalidInputException>(() => SeccompProfileFile.Load(_dir.Combine("root"), path));

        Assert.Contains("seccomp_profile_root", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seccomp_DefaultOptionsLocalhostAnywhere_Loaded()
    {
        var path = _dir.Write("p.json", Allow);
        var security = new ContainerSecurity { Seccomp = new SecurityProfile(SecurityProfileKind.Localhost, path) };

        Assert.Null(new ContainerSpecOptions().SeccompProfileRoot);
        Assert.Equal("SCMP_ACT_ALLOW", ContainerProfiles.Seccomp(security, [], new ContainerSpecOptions())!.DefaultAction);
    }

    [Fact]
    public void Seccomp_LegacyLocalhostPathAnywhere_SameRule()
    {
        var path = _dir.Write("legacy.json", Allow);
        var security = new ContainerSecurity { Seccomp = LegacyProfilePaths.Seccomp("localhost/" + path) };

        Assert.Equal("SCMP_ACT_ALLOW", ContainerProfiles.Seccomp(security, [], new ContainerSpecOptions())!.DefaultAction);
        Assert.Throws<InvalidInputException>(() => ContainerProfiles.Seccomp(
            new ContainerSecurity { Seccomp = LegacyProfilePaths.Seccomp("localhost/legacy.json") }, [], new ContainerSpecOptions()));
        Assert.Throws<InvalidInputException>(() => ContainerProfiles.Seccomp(security, [], new ContainerSpecOptions { SeccompProfileRoot = _dir.Combine("root") }));
    }
}
