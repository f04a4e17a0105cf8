using Minato.Engine.Oci;

namespace Minato.Tests.Engine.Oci;

public sealed class OciRuntimeFeaturesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Parse_FeaturesListingRro_HasTheMountOptions()
    {
        var features = OciRuntimeFeatures.Parse("""{"ociVersionMin":"1.0.0","mountOptions":["bind","rbind","ro","rro","rrw"],"hooks":["prestart"]}""");

        Assert.Contains("rro", features.MountOptions);
        Assert.Equal(5, features.MountOptions.Count);
    }

    [Theory]
    [InlineData("""{"ociVersionMin":"1.0.0"}""")]
    [InlineData("""{"mountOptions":"rro"}""")]
    [InlineData("[]")]
    [InlineData("unknown command features")]
    public void Parse_NoUsableMountOptions_IsNone(string output)
    {
        var features = OciRuntimeFeatures.Parse(output);

        Assert.Empty(features.MountOptions);
        Assert.False(features.RecursiveReadOnly);
    }

    [Fact]
    public async Task Probe_RuntimeThatPrintsRro_SupportsRecursiveReadOnlyOnThisKernel()
    {
        var runtime = Script("fake-runc", """[ "$3" = features ] && echo '{"mountOptions":["rro"]}'""");

        var features = await OciRuntimeFeatures.ProbeAsync(new OciRuntimeHandler("fake", runtime, "/run/x"), TimeSpan.FromSeconds(10));

        Assert.Equal(["rro"], features.MountOptions);
        Assert.Equal(KernelAtLeast(5, 12), features.RecursiveReadOnly);
    }

    [Fact]
    public async Task Probe_RuntimeWithoutAFeaturesCommand_IsNone()
    {
        var runtime = Script("old-crun", "echo 'unknown command features' >&2; exit 1");

        Assert.Same(OciRuntimeFeatures.None, await OciRuntimeFeatures.ProbeAsync(new OciRuntimeHandler("old", runtime, "/run/x"), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Probe_RuntimeThatHangs_IsNoneWithinTheTimeout()
    {
        var runtime = Script("hanging", "exec sleep 30");
        var started = DateTime.UtcNow;

        Assert.Same(OciRuntimeFeatures.None, await OciRuntimeFeatures.ProbeAsync(new OciRuntimeHandler("hang", runtime, "/run/x"), TimeSpan.FromMilliseconds(300)));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Probe_MissingBinary_IsNone()
    {
        Assert.Same(OciRuntimeFeatures.None, await OciRuntimeFeatures.ProbeAsync(new OciRuntimeHandler("gone", _dir.Combine("missing"), "/run/x"), TimeSpan.FromSeconds(1)));
    }

    private string Script(string name, string body)
    {
        var path = _dir.Write(name, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED);
        return path;
    }

    private static bool KernelAtLeast(int major, int minor)
    {
        var parts = File.ReadAllText("/proc/sys/kernel/osrelease").Split('.');
        var version = new Version(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray()), System.Globalization.CultureInfo.InvariantCulture));
        return version >= new Version(major, minor);
    }
}
