using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;

namespace Minato.IntegrationTests.Streaming;

/// <summary>Real kubectl (Go, spdystream and gorilla/websocket inside) execs into a daemon's container through a fake
/// API server that proxies like the kubelet: the proof that Minato's streaming server speaks what Go clients speak.</summary>
[Collection(SharedContainerPod.Name)]
public sealed class KubectlExecTests(ContainerPodFixture pod) : IAsyncLifetime
{
    /// <summary>Forces SPDY on kubectl 1.30+, which tries a WebSocket first (1.27 knows only SPDY).</summary>
    private static readonly Dictionary<string, string> Spdy = new() { ["KUBECTL_REMOTE_COMMAND_WEBSOCKETS"] = "false" };

    private string _container = null!;
    private FakeApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _container = await pod.CreateAsync(ContainerPodFixture.Config("kubectl-exec-target", "sleep", "600"));
        await pod.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = _container });
        _server = FakeApiServer.Start(call => KubeletStreaming.UrlAsync(pod.Runtime, pod.PodId, _container, call));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await pod.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = _container });
    }

    [SkippableTheory]
    [InlineData("kubectl.1.27")]
    [InlineData("kubectl.1.30")]
    [InlineData("kubectl.1.33")]
    [InlineData("kubectl")]
    public async Task ExecSpdy_NonZeroExit_SeparatesStreamsAndExitsWithTheCode(string binary)
    {
        using var kubectl = Locate(binary);

        var result = await kubectl.RunAsync(Spdy, null, "exec", "web", "--", "sh", "-c", "echo out; echo err >&2; exit 3");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal("out\n", result.StdoutText);
        Assert.StartsWith("err\n", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("command terminated with exit code 3", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(["SPDY/3.1"], _server.Upgrades);
    }

    [SkippableTheory]
    [InlineData("kubectl.1.27")]
    [InlineData("kubectl.1.33")]
    [InlineData("kubectl")]
    public async Task ExecSpdy_StdinThroughCat_RoundTrips200KiBAcrossFlowControlWindows(string binary)
    {
        using var kubectl = Locate(binary);
        var input = new byte[200 * 1024];
        new Random(7).NextBytes(input);

        var result = await kubectl.RunAsync(Spdy, input, "exec", "-i", "web", "--", "cat");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.Equal(input.Length, result.Stdout.Length);
        Assert.True(input.AsSpan().SequenceEqual(result.Stdout), "cat's output differs from its input");
        Assert.Equal(["SPDY/3.1"], _server.Upgrades);
    }

    [SkippableTheory]
    [InlineData("kubectl.1.33")]
    [InlineData("kubectl")]
    public async Task ExecWebSocket_StdinAndNonZeroExit_UsesV5WithoutFallingBackToSpdy(string binary)
    {
        using var kubectl = Locate(binary);

        var result = await kubectl.RunAsync(new Dictionary<string, string>(), "through a websocket\n"u8.ToArray(), "exec", "-i", "web", "--", "sh", "-c", "cat; echo err >&2; exit 4");

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Equal("through a websocket\n", result.StdoutText);
        Assert.StartsWith("err\n", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(["websocket"], _server.Upgrades);
    }

    [SkippableTheory]
    [InlineData("kubectl.1.27")]
    [InlineData("kubectl")]
    public async Task ExecSpdyTty_KubectlOnATerminal_RemoteTerminalHasItsSizeAndTheExitCodeComesBack(string binary)
    {
        using var kubectl = Locate(binary);
        Skip.If(Kubectl.Find("script") is null && !File.Exists("/usr/bin/script"), "no util-linux script for a terminal");

        // kubectl sends its terminal's size on the resize stream; the remote stty must see it, not the pty's default.
        var result = await kubectl.RunOnTerminalAsync(Spdy, 33, 77, "exec", "-it", "web", "--", "sh", "-c", "stty size; test -t 0 && echo tty-in; exit 6");

        Assert.True(result.ExitCode == 6, result.ToString());
        Assert.Contains("33 77", result.StdoutText, StringComparison.Ordinal);
        Assert.Contains("tty-in", result.StdoutText, StringComparison.Ordinal);
        Assert.Equal(["SPDY/3.1"], _server.Upgrades);
    }

    /// <summary>The binary named <paramref name="binary"/>, or a skip naming it when this machine has none.</summary>
    private Kubectl Locate(string binary)
    {
        var path = Kubectl.Find(binary);
        Skip.If(path is null, $"no {binary} on PATH or in the Google Cloud SDK");
        return new Kubectl(path!, _server.BaseUri);
    }
}
