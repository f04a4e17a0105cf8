using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Pods;

/// <summary>Failures mid-RunPodSandbox and daemon kills between steps, with real CNI plugins.</summary>
public sealed class PodRecoveryTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minato-it-recover-").FullName;
    private TestNetwork _network = null!;

    private string PluginDir => Path.Combine(_dir, "plugins");

    private string Marker => Path.Combine(_dir, "add-started");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(PluginDir);

        // Plugins in the CNI exec protocol written for these tests: one that fails ADD with a CNI error,
        // one that hangs in ADD until killed. DEL succeeds for both, as the spec requires of plugins.
        WritePlugin("it-fail", """
            #!/bin/sh
            if [ "$CNI_COMMAND" = ADD ]; then
              echo '{"cniVersion":"1.0.0","code":100,"msg":"planned failure for the test","details":"it-fail refuses every pod"}'
              exit 1
            fi
            exit 0
            """);
        WritePlugin("it-hang", $"""
            #!/bin/sh
            if [ "$CNI_COMMAND" = ADD ]; then
              touch {Marker}
              exec sleep 120
            fi
            exit 0
            """);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _network.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task FailingPlugin_RunPodSandboxFailsWithItsMessageAndLeavesNothing()
    {
        _network = TestNetwork.Create("""{"type":"it-fail"}""");
        await using var daemon = await StartAsync(Path.Combine(_dir, "d"));

        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = PodConfigs.Kubelet() }));

        Assert.Equal(StatusCode.Unknown, e.StatusCode);
        Assert.Contains("CNI plugin it-fail ADD failed: planned failure for the test: it-fail refuses every pod", e.Status.Detail, StringComparison.Ordinal);
        await AssertNothingLeftAsync(daemon);
    }

    [Fact]
    public async Task Sigkill_WhilePodsRun_RestartListsThemReadyAndTheyCanBeRemoved()
    {
        _network = TestNetwork.Create();
        var home = Path.Combine(_dir, "d");
        string id;
        string ip;
        await using (var first = await StartAsync(home))
        {
            id = (await first.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = PodConfigs.Kubelet() })).PodSandboxId;
            ip = (await first.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id })).Status.Network.Ip;
            ProcessSignals.Send(first.ProcessId, ProcessSignals.SigKill);
            await first.StopAsync(TimeSpan.FromSeconds(30));
        }

        await using var second = await StartAsync(home);

        var status = await second.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id });
        Assert.Equal(PodSandboxState.SandboxReady, status.Status.State);
        Assert.Equal(ip, status.Status.Network.Ip);
        await second.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id });
        await AssertNothingLeftAsync(second);
    }

    [Fact]
    public async Task NamespacesGoneWhileDaemonDown_PodIsNotReadyAndStillTearsDown()
    {
        _network = TestNetwork.Create();
        var home = Path.Combine(_dir, "d");
        string id;
        await using (var first = await StartAsync(home))
        {
            id = (await first.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = PodConfigs.Kubelet() })).PodSandboxId;
            ProcessSignals.Send(first.ProcessId, ProcessSignals.SigKill);
            await first.StopAsync(TimeSpan.FromSeconds(30));
        }

        // What a reboot does to /run: the pinned namespaces are gone, the records on disk are not.
        foreach (var pin in Directory.GetFiles(Path.Combine(home, "state", "pods", id, "ns")))
        {
            await CommandResult.RunAsync("umount", ["-l", pin], TimeSpan.FromSeconds(10));
        }

        Assert.Single(_network.AllocatedAddresses());

        await using var second = await StartAsync(home);

        var status = await second.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id });
        Assert.Equal(PodSandboxState.SandboxNotready, status.Status.State);
        await second.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id });
        await second.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id });
        await AssertNothingLeftAsync(second);
    }

    [Fact]
    public async Task Sigkill_DuringCniAdd_RestartUndoesTheHalfMadePod()
    {
        _network = TestNetwork.Create("""{"type":"it-hang"}""");
        var home = Path.Combine(_dir, "d");
        await using (var first = await StartAsync(home))
        {
            var run = first.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = PodConfigs.Kubelet() }).ResponseAsync;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(Marker) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.True(File.Exists(Marker), first.Output);
            Assert.Single(_network.AllocatedAddresses());
            ProcessSignals.Send(first.ProcessId, ProcessSignals.SigKill);
            await first.StopAsync(TimeSpan.FromSeconds(30));
            await Assert.ThrowsAnyAsync<Exception>(() => run);
        }

        await CommandResult.RunAsync("pkill", ["-f", "sleep 120"], TimeSpan.FromSeconds(10));

        await using var second = await StartAsync(home);

        Assert.Contains("was being created when the daemon stopped; undoing it", second.Output, StringComparison.Ordinal);
        await AssertNothingLeftAsync(second);
    }

    private Task<MinatoDaemon> StartAsync(string home)
    {
        Directory.CreateDirectory(home);
        return MinatoDaemon.StartInAsync(home, "--cni-config-dir", _network.ConfigDir, "--cni-plugin-dir", "/usr/lib/cni", "--cni-plugin-dir", PluginDir);
    }

    private async Task AssertNothingLeftAsync(MinatoDaemon daemon)
    {
        Assert.Empty((await daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items);
        var pods = Path.Combine(daemon.State, "pods");
        Assert.True(!Directory.Exists(pods) || Directory.GetFileSystemEntries(pods).Length == 0);
        Assert.DoesNotContain(daemon.State + "/pods/", await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
        Assert.Empty(_network.AllocatedAddresses());
    }

    private void WritePlugin(string name, string script)
    {
        var path = Path.Combine(PluginDir, name);
        File.WriteAllText(path, script.Replace("\r", string.Empty, StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
