using Minato.Cli;

namespace Minato.Tests.Cli;

public sealed class PortForwardSpecTests
{
    [Theory]
    [InlineData("80", 80, 80)]
    [InlineData("8080:80", 8080, 80)]
    [InlineData(":80", 0, 80)]
    [InlineData("0:80", 0, 80)]
    public void ParseSpec_ValidSpec_GivesLocalAndRemote(string spec, int local, int remote) =>
        Assert.Equal((local, remote), PortForwardCommand.ParseSpec(spec));

    [Theory]
    [InlineData("0")]
    [InlineData("80:0")]
    [InlineData("70000")]
    [InlineData("1:2:3")]
    [InlineData("http")]
    [InlineData("")]
    public void ParseSpec_InvalidSpec_ThrowsCliException(string spec) =>
        Assert.Throws<CliException>(() => PortForwardCommand.ParseSpec(spec));
}
