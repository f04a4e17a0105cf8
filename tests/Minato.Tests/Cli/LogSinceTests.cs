using Minato.Cli;

namespace Minato.Tests.Cli;

public sealed class LogSinceTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("10s", 10)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5s", 1.5)]
    public void Parse_Duration_CountsBackFromNow(string value, double seconds)
    {
        Assert.Equal(Now - TimeSpan.FromSeconds(seconds), LogSince.Parse(value, Now));
    }

    [Fact]
    public void Parse_Rfc3339WithNanoseconds_IsThatTime()
    {
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(1234567), LogSince.Parse("2024-05-01T10:00:00.123456789Z", Now));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 8, 0, 0, TimeSpan.Zero), LogSince.Parse("2024-05-01T10:00:00+02:00", Now));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("10")]
    [InlineData("2024-05-01")]
    public void Parse_Neither_CliError(string value)
    {
        Assert.Throws<CliException>(() => LogSince.Parse(value, Now));
    }
}
