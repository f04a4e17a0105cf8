using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Pods;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Monitor;

/// <summary>OCI runtime handlers that are missing, refuse, or hang: each call fails with the runtime's word, in bounded time.</summary>
/// <remarks>The broken handlers are scripts that pass every other command on to runc.</remarks>
public sealed class RuntimeFailureTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minato-it-runtime-fail-").FullName;
    private RegistryFixture _registry = null!;
    private TestNetwork _network = null!;
    private PodSandboxConfig _pod = null!;
    private MinatoDaemon _daemon = null!;

    private string Image => $"{_registry.Host}/library/busybox:1.36";

    private string Marker => Path.Combine(_dir, "hung-pid");

    public async Task InitializeAsync()
    {
        _registry = await RegistryFixture.StartAsync();
        await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "library/busybox:1.36");
        _network = TestNetwork.Create();
        _pod = PodConfigs.Kubelet();
        var config = Path.Combine(_dir, "minato.toml");
        await File.WriteAllTextAsync(config, $"""
            runtime_timeout_seconds = 2

            [runtimes.gone]
            path = "{Path.Combine(_dir, "no-such-runtime")}"

            [runtimes.refuses]
            path = "{Script("refuses", "create", "echo 'simulated refusal: the node forbids this container' >&2\n  exit 3")}"

            [runtimes.hangs-create]
            path = "{Script("hangs-create", "create", $"echo $$ > {Marker}\n  exec sleep 7300")}"

            [runtimes.hangs-start]
            path = "{Script("hangs-start", "start", $"echo $$ > {Marker}\n  exec sleep 7301")}"
            """);
        _daemon = await MinatoDaemon.StartInAsync(Directory.CreateDirectory(Path.Combine(_dir, "d")).FullName,
            "--config", config, "--cni-config-dir", _network.ConfigDir);
        await _daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = Image } });
    }

    public async Task DisposeAsync()
    {
        foreach (var pod in (await _daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items)
        {
            await _daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
        }

        await _daemon.DisposeAsync();
        await _network.DisposeAsync();
        await _registry.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
        if (Directory.Exists(_pod.LogDirectory))
        {
            Directory.Delete(_pod.LogDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task CreateContainer_RuntimeBinaryMissing_FailsNamingItAndLeavesNothing()
    {
        var podId = await RunPodAsync("gone");

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateAsync(podId));

        Assert.Contains($"OCI runtime gone not found at {Path.Combine(_dir, "no-such-runtime")}", error.Status.Detail, StringComparison.Ordinal);
        await AssertNoContainerLeftAsync();
    }

    [Fact]
    public async Task CreateContainer_RuntimeExitsNonZero_FailsWithItsMessageAndLeavesNothing()
    {
        var podId = await RunPodAsync("refuses");

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateAsync(podId));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Contains("simulated refusal: the node forbids this container", error.Status.Detail, StringComparison.Ordinal);
        await AssertNoContainerLeftAsync();
    }

    [Fact]
    public async Task CreateContainer_RuntimeHangs_FailsAtTheTimeoutAndLeavesNoProcess()
    {
        var podId = await RunPodAsync("hangs-create");
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateAsync(podId));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));
        Assert.Contains("within 2s", error.Status.Detail, StringComparison.Ordinal);
        await AssertHungRuntimeGoneAsync();
        await AssertNoContainerLeftAsync();
    }

    [Fact]
    public async Task StartContainer_RuntimeHangs_FailsAtTheTimeoutAndTheContainerCanBeRemoved()
    {
        var podId = await RunPodAsync("hangs-start");
        var id = await CreateAsync(podId);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await _daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));
        Assert.Contains("hangs-start start did not finish within 2s", error.Status.Detail, StringComparison.Ordinal);
        await AssertHungRuntimeGoneAsync();
        Assert.NotEqual(ContainerState.ContainerRunning, (await _daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status.State);
        await _daemon.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        await AssertNoContainerLeftAsync();
    }

    /// <summary>A runtime wrapper: <paramref name="command"/> runs <paramref name="body"/>, anything else goes to runc.</summary>
    private string Script(string name, string command, string body)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, $$"""
            #!/bin/sh
            for a in "$@"; do
              case "$a" in
                create|start|exec|kill|delete|state|features) cmd=$a; break ;;
              esac
            done
            if [ "$cmd" = {{command}} ]; then
              {{body}}
            fi
            exec runc "$@"

            """);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    private async Task<string> RunPodAsync(string handler) =>
        (await _daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod, RuntimeHandler = handler })).PodSandboxId;

    private async Task<string> CreateAsync(string podId)
    {
        var config = new ContainerConfig { Metadata = new ContainerMetadata { Name = "c" }, Image = new ImageSpec { Image = Image }, LogPath = "c.log" };
        config.Command.AddRange(["sleep", "600"]);
        return (await _daemon.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = _pod })).ContainerId;
    }

    private async Task AssertHungRuntimeGoneAsync()
    {
        var pid = int.Parse(File.ReadAllText(Marker).Trim(), CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the hung runtime {pid} is still running");
            await Task.Delay(50);
        }
    }

    private async Task AssertNoContainerLeftAsync()
    {
        Assert.Empty((await _daemon.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
        var bundles = Path.Combine(_daemon.State, "containers");
        Assert.True(!Directory.Exists(bundles) || Directory.GetFileSystemEntries(bundles).Length == 0);
        Assert.DoesNotContain(Path.Combine(_daemon.Root, "containers") + "/", await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
    }
}
