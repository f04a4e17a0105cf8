using System.Net.WebSockets;
using System.Text;
using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;
using Minato.Testing.Streaming;

namespace Minato.IntegrationTests.Streaming;

/// <summary>Exec through a real daemon, as the kubelet's clients do it: the Exec RPC's URL, then SPDY or a WebSocket
/// into a container of a CNI pod.</summary>
[Collection(SharedContainerPod.Name)]
public sealed class DaemonExecTests(ContainerPodFixture pod) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private string _container = null!;

    public async Task InitializeAsync()
    {
        _container = await pod.CreateAsync(ContainerPodFixture.Config("exec-target", "sleep", "600"));
        await pod.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = _container });
    }

    public async Task DisposeAsync() =>
        await pod.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = _container });

    [Fact]
    public async Task Exec_StdinThroughCat_EchoesAndReportsSuccess()
    {
        await using var exec = await SpdyCommand.OpenAsync(await UrlAsync(stdin: true, stderr: true, command: "cat"), stdin: true, stdout: true, stderr: true, tty: false);

        await exec.Stdin!.WriteAsync("hello\nworld\n", fin: true);

        Assert.Equal("hello\nworld\n", await exec.Stdout!.ReadTextToEndAsync().WaitAsync(Timeout));
        Assert.Equal("", await exec.Stderr!.ReadTextToEndAsync().WaitAsync(Timeout));
        Assert.Equal(("Success", null), await exec.StatusAsync(Timeout));
    }

    [Fact]
    public async Task Exec_NonZeroExit_ReportsTheCodeInTheV4StatusAndKeepsStreamsApart()
    {
        await using var exec = await SpdyCommand.OpenAsync(await UrlAsync(stderr: true, command: ["sh", "-c", "echo out; echo err >&2; exit 3"]), stdin: false, stdout: true, stderr: true, tty: false);

        Assert.Equal("out\n", await exec.Stdout!.ReadTextToEndAsync().WaitAsync(Timeout));
        Assert.Equal("err\n", await exec.Stderr!.ReadTextToEndAsync().WaitAsync(Timeout));
        Assert.Equal(("Failure", 3), await exec.StatusAsync(Timeout));
    }

    [Fact]
    public async Task Exec_MebibyteToAClientThatKeepsNoWindows_ArrivesWithoutAFlowControlPause()
    {
        // Like kubectl: no SETTINGS, no WINDOW_UPDATE. Past the first 64 KiB the server once waited a second.
        await using var exec = await SpdyCommand.OpenAsync(await UrlAsync(command: ["head", "-c", "1048576", "/dev/zero"]), stdin: false, stdout: true, stderr: false, tty: false);
        var first = await exec.Stdout!.ReadChunkAsync().WaitAsync(Timeout);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var rest = await exec.Stdout.ReadToEndAsync().WaitAsync(Timeout);

        Assert.Equal(1048576, first!.Length + rest.Length);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(900), $"the output after its first chunk took {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(("Success", null), await exec.StatusAsync(Timeout));
    }

    [Fact]
    public async Task Exec_Tty_SttySizeFollowsEachResize()
    {
        await using var exec = await SpdyCommand.OpenAsync(await UrlAsync(stdin: true, tty: true, command: "sh"), stdin: true, stdout: true, stderr: false, tty: true);
        using var screen = new TerminalScreen(SpdyCommand.AsStream(exec.Stdout!));

        await exec.ResizeAsync(100, 40);
        await SpdyCommand.RetypeUntilAsync(exec.Stdin!, screen, "stty size\n", "40 100");
        await exec.ResizeAsync(132, 50);
        await SpdyCommand.RetypeUntilAsync(exec.Stdin!, screen, "stty size\n", "50 132");
        await exec.Stdin!.WriteAsync("exit 5\n");

        Assert.Equal(("Failure", 5), await exec.StatusAsync(Timeout));
    }

    [Fact]
    public async Task Exec_ClientDisconnectsMidExec_EndsTheProcessInTheContainer()
    {
        var marker = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var exec = await SpdyCommand.OpenAsync(await UrlAsync(command: ["sleep", marker]), stdin: false, stdout: true, stderr: false, tty: false);
        Assert.True(await ProcessInContainerAsync(marker, present: true), "the exec'd sleep never showed up");

        exec.Client.Abort();
        await exec.DisposeAsync();

        Assert.True(await ProcessInContainerAsync(marker, present: false), $"sleep {marker} still runs after its client left");
    }

    [Fact]
    public async Task Exec_WebSocketV5_EchoesStdinAndReportsTheExitCode()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v5.channel.k8s.io");
        var url = await UrlAsync(stdin: true, stderr: true, command: ["sh", "-c", "cat; exit 4"]);
        await socket.ConnectAsync(new UriBuilder(url) { Scheme = "ws" }.Uri, CancellationToken.None);
        var channels = new WebSocketTestChannels(socket);

        await channels.SendAsync(0, "through a websocket"u8.ToArray());
        await channels.SendAsync(255, [0]);
        var received = await channels.ReadUntilCloseAsync().WaitAsync(Timeout);

        Assert.Equal("through a websocket", Encoding.UTF8.GetString(received[1]));
        Assert.Contains("\"NonZeroExitCode\"", Encoding.UTF8.GetString(received[3]), StringComparison.Ordinal);
        Assert.Contains("\"message\":\"4\"", Encoding.UTF8.GetString(received[3]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_StoppedUnknownOrTtyWithStderr_FailsAtTheRpcWithTheCriCode()
    {
        var stopped = await pod.CreateAsync(ContainerPodFixture.Config("exec-stopped", "true"));
        try
        {
            await pod.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = stopped });
            await pod.WaitForExitAsync(stopped);

            Assert.Equal(StatusCode.FailedPrecondition, await ExecCodeAsync(new ExecRequest { ContainerId = stopped, Cmd = { "true" }, Stdout = true }));
            Assert.Equal(StatusCode.NotFound, await ExecCodeAsync(new ExecRequest { ContainerId = "no-such-container", Cmd = { "true" }, Stdout = true }));
            Assert.Equal(StatusCode.InvalidArgument, await ExecCodeAsync(new ExecRequest { ContainerId = _container, Cmd = { "sh" }, Tty = true, Stdout = true, Stderr = true }));
        }
        finally
        {
            await pod.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = stopped });
        }
    }

    private async Task<StatusCode> ExecCodeAsync(ExecRequest request) =>
        (await Assert.ThrowsAsync<RpcException>(async () => await pod.Runtime.ExecAsync(request))).StatusCode;

    private async Task<string> UrlAsync(bool stdin = false, bool stderr = false, bool tty = false, params string[] command)
    {
        var request = new ExecRequest { ContainerId = _container, Stdin = stdin, Stdout = true, Stderr = stderr, Tty = tty };
        request.Cmd.AddRange(command);
        return (await pod.Runtime.ExecAsync(request)).Url;
    }

    /// <summary>Polls the container's own process list until <c>sleep marker</c> is there (or gone).</summary>
    private async Task<bool> ProcessInContainerAsync(string marker, bool present)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var ps = await pod.Runtime.ExecSyncAsync(new ExecSyncRequest { ContainerId = _container, Cmd = { "ps" }, Timeout = 10 });
            if (ps.Stdout.ToStringUtf8().Contains("sleep " + marker, StringComparison.Ordinal) == present)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
