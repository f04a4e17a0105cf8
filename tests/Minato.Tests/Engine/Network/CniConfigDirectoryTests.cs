using Minato.Engine.Network;

namespace Minato.Tests.Engine.Network;

public sealed class CniConfigDirectoryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public CniConfigDirectoryTests()
    {
        Directory.CreateDirectory(_dir.Combine("net.d"));
        Plugin("bridge");
        Plugin("host-local");
        Plugin("portmap");
    }

    public void Dispose() => _dir.Dispose();

    private CniConfigDirectory Directory_ => new(new CniOptions
    {
        ConfigDir = _dir.Combine("net.d"),
        PluginDirs = [_dir.Combine("missing-bin"), _dir.Combine("bin")],
    });

    [Fact]
    public void Probe_DirectoryMissing_SaysSo()
    {
        var probe = new CniConfigDirectory(new CniOptions { ConfigDir = _dir.Combine("nope") }).Probe();

        Assert.False(probe.IsReady);
        Assert.Contains("does not exist", probe.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_EmptyDirectory_SaysNoConfigFound()
    {
        var probe = Directory_.Probe();

        Assert.False(probe.IsReady);
        Assert.Contains("no network config (*.conflist) found in", probe.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_SeveralValidFiles_TakesTheFirstInOrdinalOrder()
    {
        _dir.Write("net.d/20-b.conflist", Conflist("second", "bridge"));
        _dir.Write("net.d/10-a.conflist", Conflist("first", "bridge", "host-local", "portmap"));
        _dir.Write("net.d/05-ignored.conf", Conflist("not-a-list", "bridge"));

        var probe = Directory_.Probe();

        Assert.True(probe.IsReady);
        Assert.Equal("first", probe.Network!.Name);
        Assert.Equal(["bridge", "host-local", "portmap"], probe.Network.PluginTypes);
        Assert.EndsWith("10-a.conflist", probe.Network.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_InvalidFilesBeforeAValidOne_AreSkipped()
    {
        _dir.Write("net.d/01-broken.conflist", "{ not json");
        _dir.Write("net.d/02-noname.conflist", """{"cniVersion":"1.0.0","plugins":[{"type":"bridge"}]}""");
        _dir.Write("net.d/03-noplugins.conflist", """{"cniVersion":"1.0.0","name":"x","plugins":[]}""");
        _dir.Write("net.d/04-missing.conflist", Conflist("y", "macvlan"));
        _dir.Write("net.d/09-good.conflist", Conflist("good", "bridge"));

        var probe = Directory_.Probe();

        Assert.Equal("good", probe.Network?.Name);
    }

    [Fact]
    public void Probe_OnlyInvalidFiles_ExplainsEachOne()
    {
        _dir.Write("net.d/01-broken.conflist", "{ not json");
        _dir.Write("net.d/04-missing.conflist", Conflist("y", "bridge", "macvlan"));

        var probe = Directory_.Probe();

        Assert.False(probe.IsReady);
        Assert.Contains("01-broken.conflist: invalid JSON", probe.Problem, StringComparison.Ordinal);
        Assert.Contains("04-missing.conflist: plugin macvlan not found in", probe.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../../bin/sh")]
    [InlineData("..")]
    [InlineData("")]
    public void Parse_PluginTypeThatIsNotAPlainName_IsRejected(string type)
    {
        var e = Assert.Throws<FormatException>(() =>
            CniNetworkList.Parse("x.conflist", System.Text.Encoding.UTF8.GetBytes(Conflist("n", type))));

        Assert.Contains("not a plain executable name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindPlugin_NonExecutableFile_IsNotAPlugin()
    {
        _dir.Write("bin/notexec", "#!/bin/sh\n");
        File.SetUnixFileMode(_dir.Combine("bin/notexec"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Null(Directory_.FindPlugin("notexec"));
        Assert.Equal(_dir.Combine("bin", "bridge"), Directory_.FindPlugin("bridge"));
    }

    private void Plugin(string name)
    {
        var path = _dir.Write($"bin/{name}", "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string Conflist(string name, params string[] types) =>
        $$"""{"cniVersion":"1.0.0","name":"{{name}}","plugins":[{{string.Join(",", types.Select(t => $$"""{"type":"{{t}}"}"""))}}]}""";
}
