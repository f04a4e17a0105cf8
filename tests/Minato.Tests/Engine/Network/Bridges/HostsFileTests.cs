using Minato.Engine.Network.Bridges;

namespace Minato.Tests.Engine.Network.Bridges;

public sealed class HostsFileTests : IDisposable
{
    private const string Base = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n192.168.5.5\textra\n";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Render_Entries_AppendsSectionAndKeepsOtherLines()
    {
        var text = HostsFile.Render(Base, [new("10.81.0.2", ["abc123", "web", "www"]), new("10.81.0.3", ["db", "db"])]);

        Assert.StartsWith(Base, text, StringComparison.Ordinal);
        Assert.Contains("10.81.0.2\tabc123 web www\n", text, StringComparison.Ordinal);
        Assert.Contains("10.81.0.3\tdb\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Twice_ReplacesTheSectionRatherThanAppendingAgain()
    {
        var once = HostsFile.Render(Base, [new("10.81.0.2", ["web"])]);

        var twice = HostsFile.Render(once, [new("10.81.0.4", ["api"])]);

        Assert.DoesNotContain("web", twice, StringComparison.Ordinal);
        Assert.Contains("10.81.0.4\tapi\n", twice, StringComparison.Ordinal);
        Assert.Equal(Base, HostsFile.Render(twice, []));
    }

    [Fact]
    public void Rewrite_ExistingFile_SameInodeSeesTheNewText()
    {
        var path = _dir.Write("hosts", Base);

        // A handle opened before sees the change only if the file was rewritten in place, as a bind mount needs.
        using var before = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        HostsFile.Rewrite(path, [new("10.81.0.2", ["web"])]);

        Assert.Contains("10.81.0.2\tweb", before.ReadToEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Rewrite_MissingFile_DoesNothing()
    {
        HostsFile.Rewrite(_dir.Combine("gone", "hosts"), [new("10.81.0.2", ["web"])]);

        Assert.False(File.Exists(_dir.Combine("gone", "hosts")));
    }

    [Theory]
    [InlineData("db\n10.0.0.9 bank")]
    [InlineData("db bank")]
    [InlineData("-db")]
    [InlineData("")]
    [InlineData("#db")]
    public void CheckName_LineOrNameInjection_IsInvalidInputNamingTheField(string name)
    {
        var error = Assert.Throws<Minato.Engine.Errors.InvalidInputException>(() => HostsFile.CheckName("network alias", name));

        Assert.StartsWith("network alias", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("db")]
    [InlineData("web-1.app_net")]
    public void CheckName_HostName_Accepted(string name) => HostsFile.CheckName("network alias", name);
}
