using System.Net;
using Minato.Engine.Errors;
using Minato.Streaming;
using Minato.Testing.Streaming;

namespace Minato.Tests.Streaming;

public sealed class StreamingTokenTests
{
    [Fact]
    public async Task Connect_ReusedToken_IsRefused()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        var url = server.Exec(stdin: false, stderr: false, command: ["exit", "0"]);
        await using (var first = await SpdyTestClient.ConnectAsync(url, ["v4.channel.k8s.io"]))
        {
            Assert.Equal(101, first.StatusCode);
        }

        await using var second = await SpdyTestClient.ConnectAsync(url, ["v4.channel.k8s.io"]);

        Assert.Equal((int)HttpStatusCode.NotFound, second.StatusCode);
    }

    [Fact]
    public async Task Connect_ExpiredToken_IsRefused()
    {
        await using var server = await StreamingServerFixture.StartAsync(new() { TokenLifetime = TimeSpan.FromMilliseconds(50) });
        var url = server.Exec(command: "echo");
        await Task.Delay(200);

        await using var client = await SpdyTestClient.ConnectAsync(url, ["v4.channel.k8s.io"]);

        Assert.Equal((int)HttpStatusCode.NotFound, client.StatusCode);
    }

    [Fact]
    public async Task Connect_TokenOfAnotherKind_IsRefused()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        var exec = server.Exec(command: "echo");
        var asAttach = new Uri(exec.ToString().Replace("/exec/", "/attach/", StringComparison.Ordinal));

        await using var client = await SpdyTestClient.ConnectAsync(asAttach, ["v4.channel.k8s.io"]);

        Assert.Equal((int)HttpStatusCode.NotFound, client.StatusCode);
    }

    [Fact]
    public async Task Connect_NoCommonProtocol_IsForbiddenWithTheAcceptedList()
    {
        await using var server = await StreamingServerFixture.StartAsync();

        await using var client = await SpdyTestClient.ConnectAsync(server.Exec(command: "echo"), ["v9.channel.k8s.io"]);

        Assert.Equal((int)HttpStatusCode.Forbidden, client.StatusCode);
        Assert.Contains("v4.channel.k8s.io", client.ResponseHeaders["x-accepted-stream-protocol-versions"], StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_BeyondTheBound_FailsUntilTokensAreTaken()
    {
        var tokens = new StreamingTokens(new StreamingOptions { MaxPendingTokens = 2 }, TimeProvider.System);
        var first = tokens.Issue(new PortForwardTarget("p1", []));
        tokens.Issue(new PortForwardTarget("p1", []));

        Assert.Throws<OverloadedException>(() => tokens.Issue(new PortForwardTarget("p1", [])));
        Assert.NotNull(tokens.Take(first));
        tokens.Issue(new PortForwardTarget("p1", []));
        Assert.Equal(2, tokens.Count);
    }
}
