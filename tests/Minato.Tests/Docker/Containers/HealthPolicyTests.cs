using Minato.Docker.Containers;
using Minato.Docker.Http;

namespace Minato.Tests.Docker.Containers;

public sealed class HealthPolicyTests
{
    private static readonly HealthConfig Image = new() { Test = ["CMD-SHELL", "curl -f localhost"], Interval = 5_000_000_000, Retries = 4 };

    [Fact]
    public void Merge_RequestSetsOnlyInterval_TestAndRetriesFromTheImage()
    {
        var merged = HealthPolicy.Merge(new HealthConfig { Interval = 1_000_000_000 }, Image);

        Assert.Equal(["CMD-SHELL", "curl -f localhost"], merged!.Test);
        Assert.Equal(1_000_000_000, merged.Interval);
        Assert.Equal(4, merged.Retries);
    }

    [Fact]
    public void Merge_RequestSaysNone_ImageCheckDisabled()
    {
        var merged = HealthPolicy.Merge(new HealthConfig { Test = ["NONE"] }, Image);

        Assert.Null(HealthPolicy.Command(merged));
    }

    [Fact]
    public void Merge_NoRequest_ImageCheckKept() => Assert.Same(Image, HealthPolicy.Merge(null, Image));

    [Theory]
    [InlineData(new[] { "CMD", "/bin/check", "-v" }, new[] { "/bin/check", "-v" })]
    [InlineData(new[] { "CMD-SHELL", "exit 1" }, new[] { "/bin/sh", "-c", "exit 1" })]
    public void Command_CmdOrShell_ProbeArguments(string[] test, string[] expected) =>
        Assert.Equal(expected, HealthPolicy.Command(new HealthConfig { Test = [.. test] }));

    [Fact]
    public void Defaults_ZeroFields_DockerdDefaults()
    {
        var health = new HealthConfig { Test = ["CMD", "true"] };

        Assert.Equal(TimeSpan.FromSeconds(30), HealthPolicy.Interval(health));
        Assert.Equal(TimeSpan.FromSeconds(30), HealthPolicy.Timeout(health));
        Assert.Equal(TimeSpan.FromSeconds(5), HealthPolicy.StartInterval(health));
        Assert.Equal(3, HealthPolicy.Retries(health));
    }

    [Theory]
    [InlineData(500_000, 0, "SHOUT", "Interval in Healthcheck cannot be less than 1ms")]
    [InlineData(0, -1, "CMD", "Retries in Healthcheck cannot be negative")]
    [InlineData(0, 0, "SHOUT", "unknown type \"SHOUT\"")]
    public void Check_BadField_BadRequestNamingIt(long interval, int retries, string kind, string message)
    {
        var e = Assert.Throws<DockerApiException>(() => HealthPolicy.Check(new HealthConfig { Test = [kind, "x"], Interval = interval, Retries = retries }));

        Assert.Equal(400, e.Status);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0, "1s")]
    [InlineData(1.5, "1.5s")]
    [InlineData(0.5, "500ms")]
    public void GoDuration_Timeouts_AsGoPrintsThem(double seconds, string expected) =>
        Assert.Equal(expected, HealthChecks.GoDuration(TimeSpan.FromSeconds(seconds)));
}
