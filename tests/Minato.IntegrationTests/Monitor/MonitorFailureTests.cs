using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Pods;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Monitor;

/// <summary>conmon SIGKILLed under a running container, and conmon that fails or hangs at create, with the daemon up.</summary>
public sealed class MonitorFailureTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minato-it-monitor-fail-").FullName;
    private RegistryFixture _registry = null!;
    private TestNetwork _network = null!;
    private PodSandboxConfig _pod = null!;
    private MinatoDaemon? _daemon;

    private string Home => Path.Combine(_dir, "d");

    private string Image => $"{_registry.Host}/library/busybox:1.36";

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
        if (_daemon is not null)
        {
            foreach (var pod in (await _daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items)
            {
                await _daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
            }

            await _daemon.DisposeAsync();
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
    public async Task ConmonKilled_WhileContainerRuns_ExitedAsMonitorLostWithNoProcessLeftAndRemovable()
    {
        var daemon = await StartAsync("");
        var podId = await RunPodAsync(daemon);
        var id = await CreateAsync(daemon, podId, "watched", "sh", "-c", "sleep 7001 & sleep 7002 & wait");
        await daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        var processes = await ProcessTreeAsync(daemon, id, expected: 3);

        ProcessSignals.Send(ConmonPid(daemon, id), ProcessSignals.SigKill);

        var status = await WaitForStateAsync(daemon, id, ContainerState.ContainerExited, TimeSpan.FromSeconds(10));
        Assert.Equal("MonitorLost", status.Reason);
        Assert.Equal(255, status.ExitCode);
        Assert.Contains("monitor (conmon) died while the container ran", status.Message, StringComparison.Ordinal);
        await WaitUntilAsync(() => processes.All(p => !IsAlive(p)), TimeSpan.FromSeconds(10));
        await daemon.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 5 });
        await daemon.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        Assert.Empty((await daemon.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
        Assert.False(Directory.Exists(Path.Combine(daemon.State, "containers", id)));
    }

    [Fact]
    public async Task ConmonKilled_StopRightAfter_ReturnsWithinSecondsInsteadOfTimingOut()
    {
        var daemon = await StartAsync("");
        var podId = await RunPodAsync(daemon);
        var id = await CreateAsync(daemon, podId, "stopped", "sleep", "7003");
        await daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        var pid = (await ProcessTreeAsync(daemon, id, expected: 1))[0];
        ProcessSignals.Send(ConmonPid(daemon, id), ProcessSignals.SigKill);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await daemon.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 30 });

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(8));
        var status = (await daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status;
        Assert.Equal(ContainerState.ContainerExited, status.State);
        await WaitUntilAsync(() => !IsAlive(pid), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ConmonFailsToStart_CreateContainerFailsWithItsExitAndLeavesNothing()
    {
        var conmon = WriteScript("failing-conmon", "#!/bin/sh\necho 'conmon: simulated start failure' >&2\nexit 1\n");
        var daemon = await StartAsync($"conmon = \"{conmon}\"\n");
        var podId = await RunPodAsync(daemon);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await CreateAsync(daemon, podId, "never", "sleep", "1"));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Contains("conmon exited (1) without reporting the container", error.Status.Detail, StringComparison.Ordinal);
        await AssertNoContainerLeftAsync(daemon);
    }

    [Fact]
    public async Task ConmonHangs_CreateContainerFailsAtTheRuntimeTimeoutAndLeavesNoProcess()
    {
        var marker = Path.Combine(_dir, "hanging-conmon-pid");
        var conmon = WriteScript("hanging-conmon", $"#!/bin/sh\necho $$ > {marker}\nexec sleep 7004\n");
        var daemon = await StartAsync($"conmon = \"{conmon}\"\nruntime_timeout_seconds = 2\n");
        var podId = await RunPodAsync(daemon);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await CreateAsync(daemon, podId, "never", "sleep", "1"));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15));
        Assert.Contains("conmon did not report the container within 2s", error.Status.Detail, StringComparison.Ordinal);
        var hung = int.Parse(File.ReadAllText(marker).Trim(), CultureInfo.InvariantCulture);
        await WaitUntilAsync(() => !IsAlive(hung), TimeSpan.FromSeconds(10));
        await AssertNoContainerLeftAsync(daemon);
    }

    private async Task<MinatoDaemon> StartAsync(string toml)
    {
        var config = Path.Combine(_dir, "minato.toml");
        await File.WriteAllTextAsync(config, toml);
        _daemon = await MinatoDaemon.StartInAsync(Home, "--config", config, "--cni-config-dir", _network.ConfigDir);
        return _daemon;
    }

    private async Task<string> RunPodAsync(MinatoDaemon daemon)
    {
        await daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = Image } });
        return (await daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod })).PodSandboxId;
    }

    private async Task<string> CreateAsync(MinatoDaemon daemon, string podId, string name, params string[] command)
    {
        var config = new ContainerConfig { Metadata = new ContainerMetadata { Name = name }, Image = new ImageSpec { Image = Image }, LogPath = name + ".log" };
        config.Command.AddRange(command);
        return (await daemon.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = _pod })).ContainerId;
    }

    private static async Task AssertNoContainerLeftAsync(MinatoDaemon daemon)
    {
        Assert.Empty((await daemon.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
        var bundles = Path.Combine(daemon.State, "containers");
        Assert.True(!Directory.Exists(bundles) || Directory.GetFileSystemEntries(bundles).Length == 0);
        Assert.DoesNotContain(Path.Combine(daemon.Root, "containers") + "/", await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
    }

    private string WriteScript(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    private static int ConmonPid(MinatoDaemon daemon, string id) =>
        int.Parse(File.ReadAllText(Path.Combine(daemon.State, "containers", id, "conmon.pid")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The container's init and its descendants, once <paramref name="expected"/> of them run.</summary>
    private static async Task<List<int>> ProcessTreeAsync(MinatoDaemon daemon, string id, int expected)
    {
        var status = await daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id, Verbose = true });
        using var info = JsonDocument.Parse(status.Info["info"]);
        var init = info.RootElement.GetProperty("pid").GetInt32();
        List<int> tree = [];
        await WaitUntilAsync(() => (tree = Descendants(init).Prepend(init).ToList()).Count >= expected, TimeSpan.FromSeconds(10));
        return tree;
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        string children;
        try
        {
            children = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
        }
        catch (IOException)
        {
            yield break;
        }

        foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture)))
        {
            yield return child;
            foreach (var grandchild in Descendants(child))
            {
                yield return grandchild;
            }
        }
    }

    // A zombie is gone for this purpose: it runs nothing and its parent (init, conmon being dead) reaps it.
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<ContainerStatus> WaitForStateAsync(MinatoDaemon daemon, string id, ContainerState state, TimeSpan timeout)
    {
        ContainerStatus status = null!;
        await WaitUntilAsync(async () => (status = (await daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status).State == state, timeout);
        return status;
    }

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout) => WaitUntilAsync(() => Task.FromResult(condition()), timeout);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {timeout.TotalSeconds}s");
            await Task.Delay(50);
        }
    }
}
