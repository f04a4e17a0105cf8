using System.Globalization;
using System.Text.Json;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Pods;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Containers;

/// <summary>A reboot as the daemon sees it: every process and mount gone and the state directory (a tmpfs) empty, the
/// persistent root intact. The daemon starts, reports what it knows, and everything can be removed.</summary>
public sealed class RebootRecoveryTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minato-it-reboot-").FullName;
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
        await UnmountAllUnderAsync(_dir);
        await _network.DisposeAsync();
        await _registry.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
        if (Directory.Exists(_pod.LogDirectory))
        {
            Directory.Delete(_pod.LogDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task StateDirectoryLost_DaemonStarts_PodNotReadyContainersExitedAndEverythingRemovable()
    {
        string podId;
        string running;
        string finished;
        await using (var first = await StartAsync())
        {
            var image = $"{_registry.Host}/library/busybox:1.36";
            await first.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image } });
            podId = (await first.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod })).PodSandboxId;
            running = await RunAsync(first, podId, image, "running", "sleep", "600");
            finished = await RunAsync(first, podId, image, "finished", "sh", "-c", "exit 3");
            await WaitUntilAsync(async () => (await first.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = finished })).Status.State == ContainerState.ContainerExited);
            var pid = await PidAsync(first, running);
            var conmons = Directory.GetFiles(Path.Combine(first.State, "containers"), "conmon.pid", SearchOption.AllDirectories)
                .Select(f => int.Parse(File.ReadAllText(f).Trim(), CultureInfo.InvariantCulture)).ToList();

            // The power goes: the daemon, the monitors and the containers die, and /run does not come back.
            ProcessSignals.Send(first.ProcessId, ProcessSignals.SigKill);
            await first.StopAsync(TimeSpan.FromSeconds(30));
            foreach (var victim in conmons.Append(pid))
            {
                ProcessSignals.Send(victim, ProcessSignals.SigKill);
            }

            await WaitUntilAsync(() => Task.FromResult(!File.Exists($"/proc/{pid}/cmdline") || File.ReadAllText($"/proc/{pid}/cmdline").Length == 0));
            await UnmountAllUnderAsync(Home);
            Directory.Delete(first.State, recursive: true);
        }

        await using var second = await StartAsync();

        var pod = (await second.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = podId })).Status;
        Assert.Equal(PodSandboxState.SandboxNotready, pod.State);
        var lost = (await second.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = running })).Status;
        Assert.Equal((ContainerState.ContainerExited, 255, "MonitorLost"), (lost.State, lost.ExitCode, lost.Reason));
        var done = (await second.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = finished })).Status;
        Assert.Equal((ContainerState.ContainerExited, 3), (done.State, done.ExitCode));

        await second.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = podId });
        Assert.Empty(_network.AllocatedAddresses());
        await second.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = running });
        await second.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = finished });
        await second.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = podId });
        Assert.Empty((await second.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
        Assert.Empty((await second.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items);
        Assert.DoesNotContain(Home + "/", await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
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

    /// <summary>Every mount under <paramref name="directory"/>, deepest first, as a reboot loses them.</summary>
    private static async Task UnmountAllUnderAsync(string directory)
    {
        var points = MountPoints().Where(p => p.StartsWith(directory + "/", StringComparison.Ordinal)).OrderByDescending(p => p.Length).ToList();
        foreach (var point in points)
        {
            await CommandResult.RunAsync("umount", ["-l", point], TimeSpan.FromSeconds(10));
        }
    }

    private static IEnumerable<string> MountPoints() =>
        File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4].Replace("\\040", " ", StringComparison.Ordinal));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30s");
            await Task.Delay(50);
        }
    }
}
