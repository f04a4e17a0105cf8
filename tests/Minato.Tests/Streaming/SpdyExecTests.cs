using System.Text.Json;
using Minato.Testing.Streaming;

namespace Minato.Tests.Streaming;

public sealed class SpdyExecTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Exec_StdinRoundTrip_EchoesAndReportsSuccess()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        await using var client = await SpdyTestClient.ConnectAsync(server.Exec(command: "echo"), ["v4.channel.k8s.io"]);
        Assert.Equal(101, client.StatusCode);
        Assert.Equal("v4.channel.k8s.io", client.Protocol);

        var error = await client.OpenStreamAsync("error");
        var stdin = await client.OpenStreamAsync("stdin");
        var stdout = await client.OpenStreamAsync("stdout");
        var stderr = await client.OpenStreamAsync("stderr");
        await stdin.WriteAsync("hello ");
        await stdin.WriteAsync("world", fin: true);

        Assert.Equal("hello world", await stdout.ReadTextToEndAsync().WaitAsync(Timeout));
        Assert.Equal("", await stderr.ReadTextToEndAsync().WaitAsync(Timeout));
        var status = JsonDocument.Parse(await error.ReadTextToEndAsync().WaitAsync(Timeout)).RootElement;
        Assert.Equal("Success", status.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Exec_NonZeroExit_ReportsExitCodeInV4Status()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        await using var client = await SpdyTestClient.ConnectAsync(server.Exec(stdin: false, command: ["exit", "3"]), ["v4.channel.k8s.io", "v3.channel.k8s.io"]);

        var error = await client.OpenStreamAsync("error");
        var stdout = await client.OpenStreamAsync("stdout");
        var stderr = await client.OpenStreamAsync("stderr");

        Assert.Equal("out", await stdout.ReadTextToEndAsync().WaitAsync(Timeout));
        Assert.Equal("err", await stderr.ReadTextToEndAsync().WaitAsync(Timeout));
        var status = JsonDocument.Parse(await error.ReadTextToEndAsync().WaitAsync(Timeout)).RootElement;
        Assert.Equal("Failure", status.GetProperty("status").GetString());
        Assert.Equal("NonZeroExitCode", status.GetProperty("reason").GetString());
        var cause = status.GetProperty("details").GetProperty("causes")[0];
        Assert.Equal("ExitCode", cause.GetProperty("reason").GetString());
        Assert.Equal("3", cause.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("v3.channel.k8s.io")]
    [InlineData("v2.channel.k8s.io")]
    [InlineData("channel.k8s.io")]
    public async Task Exec_OlderProtocol_ReportsFailureAsTextAndNegotiatesIt(string protocol)
    {
        await using var server = await StreamingServerFixture.StartAsync();
        await using var client = await SpdyTestClient.ConnectAsync(server.Exec(stdin: false, stderr: false, command: ["exit", "2"]), [protocol]);
        Assert.Equal(protocol, client.Protocol);

        var error = await client.OpenStreamAsync("error");
        var stdout = await client.OpenStreamAsync("stdout");

        Assert.Equal("out", await stdout.ReadTextToEndAsync().WaitAsync(Timeout));
        Assert.Equal("command terminated with non-zero exit code: exit status 2", await error.ReadTextToEndAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task Exec_TtyWithResize_DeliversSizesToTheCore()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        await using var client = await SpdyTestClient.ConnectAsync(server.Exec(tty: true, stdin: false, stderr: false, command: ["resize", "2"]), ["v4.channel.k8s.io"]);

        var error = await client.OpenStreamAsync("error");
        var stdout = await client.OpenStreamAsync("stdout");
        var resize = await client.OpenStreamAsync("resize");
        await resize.WriteAsync("{\"Width\":80,\"Height\":24}\n{\"Width\":");
        await resize.WriteAsync("132,\"Height\":43}\n");

        Assert.Equal("80x24\n132x43\n", await stdout.ReadTextToEndAsync().WaitAsync(Timeout));
        Assert.Contains("Success", await error.ReadTextToEndAsync().WaitAsync(Timeout), StringComparison.Ordinal);
        Assert.True(server.Core.LastTty);
    }

    [Fact]
    public async Task Attach_StdinRoundTrip_EchoesAfterGreeting()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        await using var client = await SpdyTestClient.ConnectAsync(server.Attach(), ["v4.channel.k8s.io"]);

        var error = await client.OpenStreamAsync("error");
        var stdin = await client.OpenStreamAsync("stdin");
        var stdout = await client.OpenStreamAsync("stdout");
        await client.OpenStreamAsync("stderr");
        await stdin.WriteAsync("ping", fin: true);

        Assert.Equal("attached\nping", await stdout.ReadTextToEndAsync().WaitAsync(Timeout));
        Assert.Contains("Success", await error.ReadTextToEndAsync().WaitAsync(Timeout), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_ClientDisconnectsMidStream_CancelsTheSession()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        var client = await SpdyTestClient.ConnectAsync(server.Exec(stdin: false, stderr: false, command: "hang"), ["v4.channel.k8s.io"]);
        await client.OpenStreamAsync("error");
        var stdout = await client.OpenStreamAsync("stdout");
        await stdout.Replied.WaitAsync(Timeout);

        client.Abort();

        Assert.True(await server.Core.Cancelled.Task.WaitAsync(Timeout));
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Exec_LargeOutputToAFlowControllingClient_StaysWithinItsWindow()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        await using var client = await SpdyTestClient.ConnectAsync(server.Exec(stdin: false, stderr: false, command: ["big", "1048576"]), ["v4.channel.k8s.io"], initialWindow: 16384);
        var error = await client.OpenStreamAsync("error");
        var stdout = await client.OpenStreamAsync("stdout");
        await stdout.Replied.WaitAsync(Timeout);

        // Without window updates the server may send only the announced 16 KiB, however long it waits.
        await Task.Delay(1500);
        Assert.Equal(16384, stdout.ReceivedBytes);

        Assert.Equal(1048576, (await stdout.ReadToEndAsync().WaitAsync(Timeout)).Length);
        Assert.Contains("Success", await error.ReadTextToEndAsync().WaitAsync(Timeout), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_LargeOutputToAClientWithoutFlowControl_IsNotHeldBack()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        await using var client = await SpdyTestClient.ConnectAsync(server.Exec(stdin: false, stderr: false, command: ["big", "300000"]), ["v4.channel.k8s.io"]);
        await client.OpenStreamAsync("error");
        var stdout = await client.OpenStreamAsync("stdout");

        Assert.Equal(300000, (await stdout.ReadToEndAsync().WaitAsync(Timeout)).Length);
    }

    [Fact]
    public async Task Exec_ClientPing_IsEchoed()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        await using var client = await SpdyTestClient.ConnectAsync(server.Exec(stdin: false, stderr: false, command: "hang"), ["v4.channel.k8s.io"]);

        await client.PingAsync(7);

        for (var i = 0; i < 100 && !client.Pongs.Contains(7u); i++)
        {
            await Task.Delay(50);
        }

        Assert.Contains(7u, client.Pongs);
    }

    [Fact]
    public async Task Exec_StreamsNotOpenedInTime_ClosesTheConnection()
    {
        await using var server = await StreamingServerFixture.StartAsync(new() { StreamCreationTimeout = TimeSpan.FromMilliseconds(300) });
        await using var client = await SpdyTestClient.ConnectAsync(server.Exec(command: "echo"), ["v4.channel.k8s.io"]);
        await client.OpenStreamAsync("error");

        await client.Closed.WaitAsync(Timeout);

        Assert.Equal(0, server.Core.Active);
    }
}
