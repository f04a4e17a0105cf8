using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Containers;

/// <summary><c>minato exec</c> and <c>minato attach</c> as a person runs them, through the daemon's streaming server.</summary>
[Collection(SharedContainerPod.Name)]
public sealed class ExecCommandTests(ContainerPodFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly List<string> _containers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var id in _containers)
        {
            await fixture.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        }
    }

    [Fact]
    public async Task Exec_PipedStdinToCat_EchoesItAndExitsZero()
    {
        var id = await StartAsync("sleep", "600");

        var result = await MinatoAsync(["exec", "-i", id[..12], "--", "cat"], input: "hello\nfrom stdin\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("hello\nfrom stdin\n", result.Stdout);
    }

    [Fact]
    public async Task Exec_CommandExitsWithThree_ProcessExitsWithThree()
    {
        var id = await StartAsync("sleep", "600");

        var result = await MinatoAsync(["exec", id, "--", "sh", "-c", "exit 3"]);

        Assert.True(result.ExitCode == 3, result.ToString());
    }

    [Fact]
    public async Task Exec_WithoutTty_KeepsStderrSeparate()
    {
        var id = await StartAsync("sleep", "600");

        var result = await MinatoAsync(["exec", id, "--", "sh", "-c", "echo to-out; echo to-err >&2"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("to-out\n", result.Stdout);
        Assert.Equal("to-err\n", result.Stderr);
    }

    [Fact]
    public async Task Exec_TtyWithoutLocalTerminal_RunsOnARemoteTerminal()
    {
        var id = await StartAsync("sleep", "600");

        var result = await MinatoAsync(["exec", "-t", id, "--", "sh", "-c", "test -t 1 && echo on-a-tty; echo to-err >&2; exit 4"]);

        // One terminal carries both outputs, with its CR LF line ends. runc clears ONLCR on the container's terminal only
        // after it received it, so a command that prints at once may get its first lines translated twice (CR CR LF),
        // which a terminal shows the same way.
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Equal("on-a-tty\r\nto-err\r\n", result.Stdout.Replace("\r\r\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Exec_UnknownContainer_FailsWithTheDaemonsMessage()
    {
        var result = await MinatoAsync(["exec", "0123456789ab", "--", "true"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("NotFound", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attach_ContainerPrintingUntilItExits_ShowsItsOutputAndEndsWithIt()
    {
        var id = await StartAsync("sh", "-c", "sleep 1; for i in $(seq 1 10); do echo tick $i; echo tock $i >&2; sleep 0.2; done");

        var result = await MinatoAsync(["attach", id[..12]]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("tick 10\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("tock 10\n", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("tock", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attach_Interrupted_ExitsWithTheSignalsCodeAndLeavesTheContainerRunning()
    {
        var id = await StartAsync("sh", "-c", "while true; do echo tick; sleep 0.2; done");
        using var attach = BackgroundProcess.Start(MinatoDaemon.Executable, "attach", "--endpoint", fixture.Daemon.Endpoint, id);
        await attach.WaitForLineAsync("tick", Timeout);

        ProcessSignals.Send(attach.Id, 2);
        var exit = await attach.WaitForExitAsync(Timeout);

        Assert.Equal(130, exit);
        var state = (await fixture.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status.State;
        Assert.Equal(ContainerState.ContainerRunning, state);
    }

    private async Task<string> StartAsync(params string[] command)
    {
        var id = await fixture.CreateAsync(ContainerPodFixture.Config($"cli-exec-{Guid.NewGuid():N}"[..20], command));
        _containers.Add(id);
        await fixture.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        return id;
    }

    private Task<CommandResult> MinatoAsync(string[] args, string? input = null) =>
        CommandResult.RunAsync(MinatoDaemon.Executable, [.. args[..1], "--endpoint", fixture.Daemon.Endpoint, .. args[1..]], Timeout, input: input);
}
