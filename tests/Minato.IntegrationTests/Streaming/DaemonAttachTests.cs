using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;

namespace Minato.IntegrationTests.Streaming;

/// <summary>Attach through a real daemon over SPDY: the Attach RPC's URL, conmon's attach socket behind it.</summary>
[Collection(SharedContainerPod.Name)]
public sealed class DaemonAttachTests(ContainerPodFixture pod)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Attach_ContainerPrintingEverySecond_StreamsNewLinesAndLeavesItRunning()
    {
        var id = await StartAsync(ContainerPodFixture.Config("attach-ticker", "sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done"));
        try
        {
            await using (var attach = await SpdyCommand.OpenAsync(await UrlAsync(id, stdin: false, stderr: true, tty: false), stdin: false, stdout: true, stderr: true, tty: false))
            {
                using var screen = new TerminalScreen(SpdyCommand.AsStream(attach.Stdout!));
                await screen.WaitForAsync("tick ", Timeout);
                await screen.WaitForAsync("\ntick ", Timeout);
            }

            var status = await pod.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id });
            Assert.Equal(ContainerState.ContainerRunning, status.Status.State);
        }
        finally
        {
            await pod.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        }
    }

    [Fact]
    public async Task Attach_TtyShellWithStdin_RunsWhatIsTypedAndFollowsResizes()
    {
        var config = ContainerPodFixture.Config("attach-shell", "sh");
        config.Tty = true;
        config.Stdin = true;
        var id = await StartAsync(config);
        try
        {
            await using var attach = await SpdyCommand.OpenAsync(await UrlAsync(id, stdin: true, stderr: false, tty: true), stdin: true, stdout: true, stderr: false, tty: true);
            using var screen = new TerminalScreen(SpdyCommand.AsStream(attach.Stdout!));

            await SpdyCommand.RetypeUntilAsync(attach.Stdin!, screen, "echo sum=$((6*7))\n", "sum=42");
            await attach.ResizeAsync(120, 33);
            await SpdyCommand.RetypeUntilAsync(attach.Stdin!, screen, "stty size\n", "33 120");
            await attach.Stdin!.WriteAsync("exit\n");

            Assert.Equal(("Success", null), await attach.StatusAsync(Timeout));
            Assert.Equal(0, (await pod.WaitForExitAsync(id)).ExitCode);
        }
        finally
        {
            await pod.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        }
    }

    [Fact]
    public async Task Attach_StdinOnce_ClientEndOfInputEndsTheContainer()
    {
        var config = ContainerPodFixture.Config("attach-once", "sh", "-c", "read line; echo got:$line");
        config.Stdin = true;
        config.StdinOnce = true;
        var id = await StartAsync(config);
        try
        {
            await using var attach = await SpdyCommand.OpenAsync(await UrlAsync(id, stdin: true, stderr: true, tty: false), stdin: true, stdout: true, stderr: true, tty: false);

            await attach.Stdin!.WriteAsync("once\n", fin: true);

            Assert.Equal("got:once\n", await attach.Stdout!.ReadTextToEndAsync().WaitAsync(Timeout));
            Assert.Equal(("Success", null), await attach.StatusAsync(Timeout));
            Assert.Equal(0, (await pod.WaitForExitAsync(id)).ExitCode);
        }
        finally
        {
            await pod.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        }
    }

    private async Task<string> StartAsync(ContainerConfig config)
    {
        var id = await pod.CreateAsync(config);
        await pod.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        return id;
    }

    private async Task<string> UrlAsync(string id, bool stdin, bool stderr, bool tty) =>
        (await pod.Runtime.AttachAsync(new AttachRequest { ContainerId = id, Stdin = stdin, Stdout = true, Stderr = stderr, Tty = tty })).Url;
}
