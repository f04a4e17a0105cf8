using System.Text.Json;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Pods;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Containers;

/// <summary>The daemon killed with SIGKILL while containers run: conmon keeps them, the restart reports them right.</summary>
public sealed class ContainerRecoveryTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minato-it-ctr-recover-").FullName;
    private RegistryFixture _registry = null!;
    private TestNetwork _network = null!;
    private PodSandboxConfig _pod = null!;

    private string Home => Path.Combine(_dir, "d");

    public async Task InitializeAsync()
    {
        _registry = await RegistryFixture.StartAsync();
        await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "library/busybox:1.36");
        _network = TestNetwork.Create();
        _pod = PodConfigs.Kubelet();
        Directory.CreateDirectory(Home);
    }

    public async Task DisposeAsync()
    {
        // Whatever a failed assertion left running goes with its pod, through a daemon on the same state.
        await using (var daemon = await StartAsync())
        {
            foreach (var pod in (await daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items)
            {
                await daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
            }
        }

        await _network.DisposeAsync();
        await _registry.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
        if (Directory.Exists(_pod.LogDirectory))
        {
            Directory.Delete(_pod.LogDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task DaemonKilled_RunningContainerKeepsLoggingAndAnExitWhileDownIsPickedUp()
    {
        string keeper;
        string quitter;
        string keeperLog;
        await using (var first = await StartAsync())
        {
            var image = $"{_registry.Host}/library/busybox:1.36";
            await first.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image } });
            var podId = (await first.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod })).PodSandboxId;
            keeper = await RunAsync(first, podId, image, "keeper", "sh", "-c", "while true; do echo tick; sleep 0.1; done");
            quitter = await RunAsync(first, podId, image, "quitter", "sleep", "600");
            keeperLog = (await first.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = keeper })).Status.LogPath;
            var quitterPid = await PidAsync(first, quitter);
            ProcessSignals.Send(first.ProcessId, ProcessSignals.SigKill);
            await first.StopAsync(TimeSpan.FromSeconds(30));

            // While no daemon runs: one container exits, the other keeps writing its log through conmon.
            var ticks = File.ReadAllLines(keeperLog).Length;
            ProcessSignals.Send(quitterPid, ProcessSignals.SigKill);
            await WaitUntilAsync(() => File.Exists(Path.Combine(first.State, "exits", quitter)) && File.ReadAllLines(keeperLog).Length > ticks + 3);
        }

        await using var second = await StartAsync();

        var kept = (await second.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = keeper })).Status;
        var quit = (await second.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = quitter })).Status;
        Assert.Equal(ContainerState.ContainerRunning, kept.State);
        Assert.Equal(ContainerState.ContainerExited, quit.State);
        Assert.Equal(137, quit.ExitCode);
        Assert.Equal("Error", quit.Reason);

        // The restarted daemon watches exits again: a stop completes through its watch.
        await second.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = keeper, Timeout = 0 });
        Assert.Equal(ContainerState.ContainerExited, (await second.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = keeper })).Status.State);
    }

    [Fact]
    public async Task MonitorKilledWhileDaemonDown_ContainerIsExitedWithAnUnknownCodeAndNoProcessLeft()
    {
        string id;
        int pid;
        await using (var first = await StartAsync())
        {
            var image = $"{_registry.Host}/library/busybox:1.36";
            await first.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image } });
            var podId = (await first.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod })).PodSandboxId;
            id = await RunAsync(first, podId, image, "orphan", "sleep", "600");
            pid = await PidAsync(first, id);
            var conmon = int.Parse(File.ReadAllText(Path.Combine(first.State, "containers", id, "conmon.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            ProcessSignals.Send(first.ProcessId, ProcessSignals.SigKill);
            await first.StopAsync(TimeSpan.FromSeconds(30));
            ProcessSignals.Send(conmon, ProcessSignals.SigKill);
            await WaitUntilAsync(() => !Directory.Exists($"/proc/{conmon}"));
        }

        await using var second = await StartAsync();

        var status = (await second.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status;
        Assert.Equal(ContainerState.ContainerExited, status.State);
        Assert.Equal(255, status.ExitCode);
        Assert.Contains("conmon", status.Message, StringComparison.Ordinal);
        await WaitUntilAsync(() => !File.Exists($"/proc/{pid}/cmdline") || File.ReadAllText($"/proc/{pid}/cmdline").Length == 0);
        await second.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
    }

    private Task<MinatoDaemon> StartAsync() => MinatoDaemon.StartInAsync(Home, "--cni-config-dir", _network.ConfigDir);

    private async Task<string> RunAsync(MinatoDaemon daemon, string podId, string image, string name, params string[] command)
    {
        var config = new ContainerConfig { Metadata = new ContainerMetadata { Name = name }, Image = new ImageSpec { Image = image }, LogPath = name + ".log" };
        config.Command.AddRange(command);
        var id = (await daemon.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = _pod })).ContainerId;
        await daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        return id;
    }

    private static async Task<int> PidAsync(MinatoDaemon daemon, string id)
    {
        var status = await daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id, Verbose = true });
        using var info = JsonDocument.Parse(status.Info["info"]);
        return info.RootElement.GetProperty("pid").GetInt32();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30s");
            await Task.Delay(50);
        }
    }
}
