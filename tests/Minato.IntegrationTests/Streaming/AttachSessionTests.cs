using System.IO.Pipelines;
using Minato.Cri.Streaming;
using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Monitor;

namespace Minato.IntegrationTests.Streaming;

/// <summary>Attach through conmon's attach socket to busybox containers that conmon and runc run.</summary>
public sealed class AttachSessionTests(RuncContainers containers) : IClassFixture<RuncContainers>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RunAsync_ContainerPrintingLines_DeliversEachStreamApartUntilCancelled()
    {
        var launch = await containers.StartAsync(["sh", "-c", "i=0; while true; do echo out$i; echo err$i >&2; i=$((i+1)); sleep 0.2; done"]);
        var stdout = new Pipe();
        var stderr = new Pipe();
        using var outScreen = new TerminalScreen(stdout.Reader.AsStream());
        using var errScreen = new TerminalScreen(stderr.Reader.AsStream());
        using var cancel = new CancellationTokenSource();
        var attach = AttachSession.RunAsync(Target(launch), new StreamingSession { Stdout = stdout.Writer.AsStream(), Stderr = stderr.Writer.AsStream() }, cancel.Token);

        await outScreen.WaitForAsync("\nout", Timeout);
        await outScreen.WaitForAsync("\nout", Timeout);
        await errScreen.WaitForAsync("\nerr", Timeout);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => attach.WaitAsync(Timeout));
        Assert.DoesNotContain("err", outScreen.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("out", errScreen.Text, StringComparison.Ordinal);
        await containers.KillAsync(launch);
    }

    [Fact]
    public async Task RunAsync_StdinOnceContainer_InputReachesItAndItsEndClosesTheContainersStdin()
    {
        var launch = await containers.StartAsync(["sh", "-c", "sleep 0.5; cat; echo bye"], stdin: true, stdinOnce: true);
        var stdout = new MemoryStream();
        var stdin = new Pipe();
        var attach = AttachSession.RunAsync(Target(launch), new StreamingSession { Stdin = stdin.Reader.AsStream(), Stdout = stdout }, CancellationToken.None);

        await stdin.Writer.WriteAsync("ping\n"u8.ToArray());
        await stdin.Writer.CompleteAsync();

        // cat sees the end of its input, the container exits, conmon closes the socket: the attach ends by itself.
        await attach.WaitAsync(Timeout);
        Assert.Equal("ping\nbye\n", System.Text.Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task RunAsync_ContainerWithoutStdin_DropsTheClientsInputAndStillDeliversOutput()
    {
        var launch = await containers.StartAsync(["sh", "-c", "sleep 0.5; cat; echo done"]);
        var stdout = new MemoryStream();

        var attach = AttachSession.RunAsync(Target(launch), new StreamingSession { Stdin = new MemoryStream("ignored\n"u8.ToArray()), Stdout = stdout }, CancellationToken.None);

        await attach.WaitAsync(Timeout);
        Assert.Equal("done\n", System.Text.Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task RunAsync_ExitedContainer_FailsWithPrecondition()
    {
        var launch = await containers.StartAsync(["true"]);
        await containers.WaitForExitAsync(launch);
        await WaitForSocketGoneAsync(Target(launch).SocketPath);

        await Assert.ThrowsAsync<PreconditionException>(() => AttachSession.RunAsync(Target(launch), new StreamingSession { Stdout = new MemoryStream() }, CancellationToken.None));
    }

    private AttachTarget Target(ContainerLaunch launch) =>
        new(launch.Id, ConmonAttach.SocketPath(containers.AttachSocketDirectory, launch.Id), launch.ControlFifo, Tty: false, Stdin: launch.Stdin);

    private static async Task WaitForSocketGoneAsync(string path)
    {
        for (var i = 0; i < 250 && File.Exists(path); i++)
        {
            await Task.Delay(20);
        }
    }
}
