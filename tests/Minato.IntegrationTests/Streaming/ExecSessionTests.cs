using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using Minato.Cri.Streaming;
using Minato.Engine.Containers;
using Minato.Engine.Monitor;
using Minato.Engine.Oci;

namespace Minato.IntegrationTests.Streaming;

/// <summary>Streaming exec through runc into a running busybox container: pipes, a terminal, exit codes, cancellation.</summary>
public sealed class ExecSessionTests(RuncContainers containers) : IClassFixture<RuncContainers>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private ContainerLaunch _container = null!;

    public async Task InitializeAsync() => _container = await containers.StartAsync(["sleep", "600"]);

    public async Task DisposeAsync() => await containers.KillAsync(_container);

    [Fact]
    public async Task RunAsync_StdinThroughCat_EchoesItAndExitsZero()
    {
        var stdout = new MemoryStream();

        var code = await ExecAsync(["cat"], new StreamingSession { Stdin = new MemoryStream("hello\nworld\n"u8.ToArray()), Stdout = stdout });

        Assert.Equal(0, code);
        Assert.Equal("hello\nworld\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_ReturnsTheCodeAndKeepsStreamsApart()
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();

        var code = await ExecAsync(["sh", "-c", "echo out; echo err >&2; exit 3"], new StreamingSession { Stdout = stdout, Stderr = stderr });

        Assert.Equal(3, code);
        Assert.Equal("out\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("err\n", Encoding.UTF8.GetString(stderr.ToArray()));
    }

    [Fact]
    public async Task RunAsync_NoStdinAsked_ProcessReadsEndOfFile()
    {
        var stdout = new MemoryStream();

        var code = await ExecAsync(["sh", "-c", "cat; echo done"], new StreamingSession { Stdout = stdout });

        Assert.Equal(0, code);
        Assert.Equal("done\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task RunAsync_Tty_ShellSeesTermAndEachResize()
    {
        var input = new Pipe();
        var output = new Pipe();
        var resize = Channel.CreateUnbounded<TerminalSize>();
        resize.Writer.TryWrite(new TerminalSize(100, 40));
        var session = new StreamingSession { Stdin = input.Reader.AsStream(), Stdout = output.Writer.AsStream(), Tty = true, Resize = resize.Reader };
        using var files = await ExecProcessFiles.WriteAsync(_container.BundleDirectory, _container.Id, ["sh"], await ExecSession.TerminalAsync(session, CancellationToken.None), CancellationToken.None);
        var exec = ExecSession.RunAsync(new ExecTarget(new OciRuntimeCli(containers.Runc, TimeSpan.FromSeconds(30)), _container.Id, files), session, CancellationToken.None);
        using var screen = new TerminalScreen(output.Reader.AsStream());
        var keyboard = input.Writer.AsStream();

        await keyboard.WriteAsync("echo term=$TERM; stty size\n"u8.ToArray());
        await screen.WaitForAsync("term=xterm", Timeout);
        await screen.WaitForAsync("40 100", Timeout);
        resize.Writer.TryWrite(new TerminalSize(132, 50));
        await RetypeUntilAsync(keyboard, screen, "stty size\n", "50 132");
        await keyboard.WriteAsync("exit 7\n"u8.ToArray());

        Assert.Equal(7, await exec.WaitAsync(Timeout));
    }

    [Fact]
    public async Task RunAsync_Cancelled_KillsTheProcessAndDeletesNothingItDoesNotOwn()
    {
        using var files = await ExecProcessFiles.WriteAsync(_container.BundleDirectory, _container.Id, ["sleep", "600"], terminal: null, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var exec = ExecSession.RunAsync(new ExecTarget(new OciRuntimeCli(containers.Runc, TimeSpan.FromSeconds(30)), _container.Id, files), new StreamingSession { Stdout = new MemoryStream() }, cancel.Token);
        var pid = await WaitForPidAsync(files.PidFile);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => exec.WaitAsync(Timeout));
        Assert.True(await GoneAsync(pid), $"exec'd process {pid} still runs");
    }

    private async Task<int> ExecAsync(string[] command, StreamingSession session)
    {
        using var files = await ExecProcessFiles.WriteAsync(_container.BundleDirectory, _container.Id, command, await ExecSession.TerminalAsync(session, CancellationToken.None), CancellationToken.None);
        return await ExecSession.RunAsync(new ExecTarget(new OciRuntimeCli(containers.Runc, TimeSpan.FromSeconds(30)), _container.Id, files), session, CancellationToken.None).WaitAsync(Timeout);
    }

    private static async Task RetypeUntilAsync(Stream keyboard, TerminalScreen screen, string line, string expected)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await keyboard.WriteAsync(Encoding.ASCII.GetBytes(line));
            if (await screen.TryWaitForAsync(expected, TimeSpan.FromMilliseconds(200)))
            {
                return;
            }
        }

        throw new TimeoutException($"never saw {expected:Q}; screen: {screen.Text}");
    }

    private static async Task<int> WaitForPidAsync(string pidFile)
    {
        for (var i = 0; i < 500; i++)
        {
            if (File.Exists(pidFile) && int.TryParse(await File.ReadAllTextAsync(pidFile), out var pid))
            {
                return pid;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("runc wrote no pid file");
    }

    private static async Task<bool> GoneAsync(int pid)
    {
        for (var i = 0; i < 250; i++)
        {
            if (!File.Exists($"/proc/{pid}/stat") || (await File.ReadAllTextAsync($"/proc/{pid}/stat")).Contains(") Z ", StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }
}
