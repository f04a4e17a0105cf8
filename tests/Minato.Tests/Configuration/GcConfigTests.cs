using Minato.Configuration;

namespace Minato.Tests.Configuration;

public sealed class GcConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_NoGcTable_HourlyAndImagePolicyOff()
    {
        var config = ConfigLoader.Load(_dir.Write("g.toml", "log_level = \"info\"\n"), new ConfigOverrides());

        Assert.Equal(TimeSpan.FromHours(1), config.Gc.Interval);
        Assert.Equal(0, config.Gc.ImageGcHighPercent);
    }

    [Theory]
    [InlineData("30m", 1800)]
    [InlineData("1h30m", 5400)]
    [InlineData("0s", 0)]
    public void Load_Interval_Applied(string interval, int seconds)
    {
        var config = ConfigLoader.Load(_dir.Write("g.toml", $"[gc]\ninterval = \"{interval}\"\n"), new ConfigOverrides());

        Assert.Equal(TimeSpan.FromSeconds(seconds), config.Gc.Interval);
    }

    [Theory]
    [InlineData("hourly")]
    [InlineData("-1h")]
    [InlineData("9000h")]
    public void Load_BadInterval_RefusedNamingTheKey(string interval)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(_dir.Write("g.toml", $"[gc]\ninterval = \"{interval}\"\n"), new ConfigOverrides()));

        Assert.Contains("interval", e.Message, StringComparison.Ordinal);
        Assert.Contains(interval, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ImagePolicyLowAboveHigh_RefusedNamingTheKey()
    {
        var file = _dir.Write("g.toml", "[gc]\nimage_gc_high_percent = 80\nimage_gc_low_percent = 90\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, new ConfigOverrides()));

        Assert.Contains("gc.image_gc_low_percent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ImagePolicy_Applied()
    {
        var config = ConfigLoader.Load(_dir.Write("g.toml", "[gc]\nimage_gc_high_percent = 85\nimage_gc_low_percent = 80\n"), new ConfigOverrides());

        Assert.Equal((85, 80), (config.Gc.ImageGcHighPercent, config.Gc.ImageGcLowPercent));
    }
}
