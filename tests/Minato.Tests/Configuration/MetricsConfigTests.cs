using Minato.Configuration;

namespace Minato.Tests.Configuration;

public sealed class MetricsConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_NoMetricsTable_ServesNoEndpoint()
    {
        var config = ConfigLoader.Load(_dir.Write("m.toml", "log_level = \"info\"\n"), new ConfigOverrides());

        Assert.Equal("", config.MetricsAddress);
    }

    [Theory]
    [InlineData("127.0.0.1:9090")]
    [InlineData("[::1]:9090")]
    [InlineData("0.0.0.0:9100")]
    public void Load_MetricsAddress_Applied(string address)
    {
        var config = ConfigLoader.Load(_dir.Write("m.toml", $"[metrics]\naddress = \"{address}\"\n"), new ConfigOverrides());

        Assert.Equal(address, config.MetricsAddress);
        Assert.NotNull(ConfigLoader.ParseMetricsAddress(config.MetricsAddress));
    }

    [Theory]
    [InlineData("localhost:9090")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("::1:9090")]
    [InlineData("http://127.0.0.1:9090")]
    public void Load_BadMetricsAddress_RefusedNamingTheKey(string address)
    {
        var file = _dir.Write("m.toml", $"[metrics]\naddress = \"{address}\"\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, new ConfigOverrides()));

        Assert.Contains("metrics.address", e.Message, StringComparison.Ordinal);
        Assert.Contains(address, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownMetricsKey_RefusedNamingIt()
    {
        var file = _dir.Write("m.toml", "[metrics]\npath = \"/m\"\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, new ConfigOverrides()));

        Assert.Contains("path", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MetricsAddressFlag_OverridesTheFile()
    {
        var file = _dir.Write("m.toml", "[metrics]\naddress = \"127.0.0.1:9090\"\n");

        var config = ConfigLoader.Load(file, new ConfigOverrides { MetricsAddress = "127.0.0.1:9191" });

        Assert.Equal("127.0.0.1:9191", config.MetricsAddress);
    }

    [Fact]
    public void Load_BadMetricsAddressFlag_RefusedNamingTheFlag()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(_dir.Write("m.toml", ""), new ConfigOverrides { MetricsAddress = "nowhere" }));

        Assert.Contains("--metrics-address", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderDefault_HasTheMetricsTableCommentedOut()
    {
        var text = ConfigLoader.RenderDefault();

        Assert.Contains("[metrics]\n", text, StringComparison.Ordinal);
        Assert.Contains("# address = \"127.0.0.1:9090\"", text, StringComparison.Ordinal);
    }
}
