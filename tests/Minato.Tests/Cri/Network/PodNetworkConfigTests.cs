using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Minato.Cri;
using Minato.Cri.Network;
using Minato.Engine.Errors;
using Minato.Engine.Network;
using Minato.Engine.Store;

namespace Minato.Tests.Cri.Network;

public sealed class PodNetworkConfigTests : IDisposable
{
    private const string Template = """
        {"cniVersion": "1.0.0", "name": "pods", "plugins": [{"type": "bridge", "ipam": {"type": "host-local",
          "ranges": [{{range $i, $r := .PodCIDRRanges}}{{if $i}},{{end}}[{"subnet": "{{$r}}"}]{{end}}],
          "routes": [{{range $i, $r := .Routes}}{{if $i}},{{end}}{"dst": "{{$r}}"}{{end}}]}}]}
        """;

    private static readonly DateTime LongAgo = new(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TempDirectory _dir = new();
    private readonly MetadataStore _store;
    private readonly CniConfigDirectory _cni;
    private readonly string _template;

    public PodNetworkConfigTests()
    {
        _store = MetadataStore.Open(_dir.Combine("minato.db"), CriSchema.Module);
        var plugins = Directory.CreateDirectory(_dir.Combine("bin")).FullName;
        foreach (var plugin in new[] { "bridge", "host-local" })
        {
            File.WriteAllText(Path.Combine(plugins, plugin), "#!/bin/sh\n");
            File.SetUnixFileMode(Path.Combine(plugins, plugin), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _cni = new CniConfigDirectory(new CniOptions { ConfigDir = _dir.Combine("net.d"), PluginDirs = [plugins] });
        _template = _dir.Write("template", Template);
    }

    private string RenderedPath => Path.Combine(_cni.Options.ConfigDir, "10-minato-net.conflist");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public void Update_NoTemplate_StoredAndNothingWritten()
    {
        var config = Load(template: null);

        config.Update("10.244.1.0/24");

        Assert.Equal("10.244.1.0/24", Assert.Single(config.PodCidrs).ToString());
        Assert.False(Directory.Exists(_cni.Options.ConfigDir));
    }

    [Fact]
    public void Update_TemplateAndNoNetwork_WritesTheFileAndTheNetworkBecomesReady()
    {
        var config = Load(_template);
        Assert.False(_cni.Probe().IsReady);

        config.Update("10.244.1.0/24,fd00:10:244:1::/64");

        var network = _cni.Probe().Network;
        Assert.NotNull(network);
        Assert.Equal(RenderedPath, network.Path);
        var text = File.ReadAllText(RenderedPath);
        Assert.Contains("[{\"subnet\": \"10.244.1.0/24\"}],[{\"subnet\": \"fd00:10:244:1::/64\"}]", text, StringComparison.Ordinal);
        Assert.Contains("{\"dst\": \"0.0.0.0/0\"},{\"dst\": \"::/0\"}", text, StringComparison.Ordinal);
        Assert.Equal([RenderedPath], Directory.GetFiles(_cni.Options.ConfigDir));
        Assert.StartsWith("wrote ", config.LastRender, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_SameValueAgain_FileNotRewritten()
    {
        var config = Load(_template);
        config.Update("10.244.1.0/24");
        File.SetLastWriteTimeUtc(RenderedPath, LongAgo);

        config.Update(" 10.244.1.0/24 ");

        Assert.Equal(LongAgo, File.GetLastWriteTimeUtc(RenderedPath));
        Assert.Contains("is up to date", config.LastRender, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_NewCidr_OwnFileFollows()
    {
        var config = Load(_template);
        config.Update("10.244.1.0/24");

        config.Update("10.244.2.0/24");

        Assert.Contains("10.244.2.0/24", File.ReadAllText(RenderedPath), StringComparison.Ordinal);
        Assert.Equal("10.244.2.0/24", Assert.Single(Load(_template).PodCidrs).ToString());
    }

    [Fact]
    public void Load_AfterUpdate_TheStoredCidrsComeBack()
    {
        Load(template: null).Update("fd00::/64,10.0.0.0/16");

        var again = Load(template: null);

        Assert.Equal(["fd00::/64", "10.0.0.0/16"], again.PodCidrs.Select(c => c.ToString()));
    }

    [Fact]
    public void Update_Empty_AcceptedAndKeepsTheStoredCidrs()
    {
        var config = Load(_template);
        config.Update("10.244.1.0/24");

        config.Update("");

        Assert.Equal("10.244.1.0/24", Assert.Single(Load(_template).PodCidrs).ToString());
        Assert.True(File.Exists(RenderedPath));
    }

    [Fact]
    public void Update_BadCidr_InvalidInputAndNothingChanged()
    {
        var config = Load(_template);
        config.Update("10.244.1.0/24");
        var before = File.ReadAllBytes(RenderedPath);

        Assert.Throws<InvalidInputException>(() => config.Update("10.244.2.0/24,10.244.3.1/24"));

        Assert.Equal(before, File.ReadAllBytes(RenderedPath));
        Assert.Equal("10.244.1.0/24", Assert.Single(config.PodCidrs).ToString());
        Assert.Equal("10.244.1.0/24", Assert.Single(Load(_template).PodCidrs).ToString());
    }

    [Fact]
    public void Update_TemplateRendersInvalidJson_FailedPreconditionNothingWrittenNothingStored()
    {
        var config = Load(_dir.Write("broken", "{\"cniVersion\": \"1.0.0\", \"subnet\": {{.PodCIDR}}}"));

        var e = Assert.Throws<PreconditionException>(() => config.Update("10.244.1.0/24"));

        Assert.Contains("cni_config_template", e.Message, StringComparison.Ordinal);
        Assert.Contains("invalid JSON", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(RenderedPath));
        Assert.Empty(config.PodCidrs);
        Assert.Empty(Load(template: null).PodCidrs);
        Assert.StartsWith("failed: ", config.LastRender, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_TemplateEditedToAnUnsupportedForm_FailedPreconditionNamingTheConstruct()
    {
        var config = Load(_template);
        File.WriteAllText(_template, "{{.PodCIDR | html}}");

        var e = Assert.Throws<PreconditionException>(() => config.Update("10.244.1.0/24"));

        Assert.Contains("{{.PodCIDR | html}} is not supported", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(RenderedPath));
    }

    [Fact]
    public void Update_AnotherNetworkIsReady_NotRenderedButStored()
    {
        Directory.CreateDirectory(_cni.Options.ConfigDir);
        var other = Path.Combine(_cni.Options.ConfigDir, "05-other.conflist");
        File.WriteAllText(other, "{\"cniVersion\": \"1.0.0\", \"name\": \"other\", \"plugins\": [{\"type\": \"bridge\"}]}");
        var config = Load(_template);

        config.Update("10.244.1.0/24");

        Assert.False(File.Exists(RenderedPath));
        Assert.Equal($"not rendered: the pod network is {other}", config.LastRender);
        Assert.Single(Load(_template).PodCidrs);
    }

    [Fact]
    public void RenderStored_FileDeletedWhileStopped_WrittenAgain()
    {
        Load(_template).Update("10.244.1.0/24");
        File.Delete(RenderedPath);

        Load(_template).RenderStored();

        Assert.Contains("10.244.1.0/24", File.ReadAllText(RenderedPath), StringComparison.Ordinal);
    }

    [Fact]
    public void RenderStored_FileUpToDate_NotRewritten()
    {
        Load(_template).Update("10.244.1.0/24");
        File.SetLastWriteTimeUtc(RenderedPath, LongAgo);

        Load(_template).RenderStored();

        Assert.Equal(LongAgo, File.GetLastWriteTimeUtc(RenderedPath));
    }

    [Fact]
    public void RenderStored_TemplateNowBroken_LoggedNotThrownAndFileKept()
    {
        Load(_template).Update("10.244.1.0/24");
        var before = File.ReadAllBytes(RenderedPath);
        File.WriteAllText(_template, "not json {{.PodCIDR}}");
        var config = Load(_template);

        config.RenderStored();

        Assert.Equal(before, File.ReadAllBytes(RenderedPath));
        Assert.StartsWith("failed: ", config.LastRender, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_LeavesNoTemporaryFileBehind()
    {
        var rendered = RenderedCniConfig.In(_cni.Options.ConfigDir);

        rendered.Write(Encoding.UTF8.GetBytes("{}"));
        rendered.Write(Encoding.UTF8.GetBytes("{\"a\": 1}"));

        Assert.Equal([RenderedPath], Directory.GetFiles(_cni.Options.ConfigDir, "*", SearchOption.AllDirectories));
        Assert.Equal("{\"a\": 1}", File.ReadAllText(RenderedPath));
    }

    private PodNetworkConfig Load(string? template) => PodNetworkConfig.Load(_store, _cni, template, NullLogger.Instance);
}
