using Minato.Engine.Errors;
using Minato.Streaming;

namespace Minato.Tests.Streaming;

public sealed class StreamingRequestValidatorTests
{
    [Fact]
    public async Task RemoteCommandUrl_ValidExec_ReturnsAnExecUrlOnTheServer()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        var validator = new StreamingRequestValidator(server.Server, server.Core);

        var url = validator.RemoteCommandUrl(new RemoteCommand("c1", ["sh"], Tty: true, Stdin: true, Stdout: true, Stderr: false));

        Assert.Equal(server.Server.BaseUri!.Authority, url.Authority);
        Assert.StartsWith("/exec/", url.AbsolutePath, StringComparison.Ordinal);
        Assert.True(validator.IsAvailable);
    }

    [Theory]
    [InlineData("", false, true, true, false)]
    [InlineData("c1", false, false, false, false)]
    [InlineData("c1", true, true, true, true)]
    public async Task RemoteCommandUrl_BrokenRule_IsInvalidArgument(string id, bool tty, bool stdin, bool stdout, bool stderr)
    {
        await using var server = await StreamingServerFixture.StartAsync();
        var validator = new StreamingRequestValidator(server.Server, server.Core);

        Assert.Throws<InvalidInputException>(() => validator.RemoteCommandUrl(new RemoteCommand(id, null, tty, stdin, stdout, stderr)));
    }

    [Fact]
    public async Task RemoteCommandUrl_UnknownContainer_PassesTheCoresNotFound()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        var validator = new StreamingRequestValidator(server.Server, server.Core);

        Assert.Throws<NotFoundException>(() => validator.RemoteCommandUrl(new RemoteCommand("nope", null, false, true, true, true)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public async Task PortForwardUrl_PortOutOfRange_IsInvalidArgument(int port)
    {
        await using var server = await StreamingServerFixture.StartAsync();
        var validator = new StreamingRequestValidator(server.Server, server.Core);

        Assert.Throws<InvalidInputException>(() => validator.PortForwardUrl(new PortForwardTarget("p1", [80, port])));
        Assert.StartsWith("/portforward/", validator.PortForwardUrl(new PortForwardTarget("p1", [80])).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Urls_OversizedCommandOrTooManyPorts_AreInvalidArgumentAndIssueNoToken()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        var validator = new StreamingRequestValidator(server.Server, server.Core);
        var huge = new string('x', StreamingRequestValidator.MaxCommandBytes);

        Assert.Throws<InvalidInputException>(() => validator.RemoteCommandUrl(new RemoteCommand("c1", ["sh", "-c", huge], false, false, true, false)));
        Assert.Throws<InvalidInputException>(() => validator.PortForwardUrl(new PortForwardTarget("p1", [.. Enumerable.Range(1, StreamingRequestValidator.MaxPorts + 1)])));
        Assert.Equal(0, server.Tokens.Count);
        Assert.StartsWith("/portforward/", validator.PortForwardUrl(new PortForwardTarget("p1", [.. Enumerable.Range(1, StreamingRequestValidator.MaxPorts)])).AbsolutePath, StringComparison.Ordinal);
    }
}
