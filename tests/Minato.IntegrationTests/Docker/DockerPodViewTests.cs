using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Pods;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Docker;

/// <summary>Pod containers made through the CRI, seen through the Docker API as dockershim showed them, read-only.</summary>
public sealed class DockerPodViewTests : IAsyncLifetime
{
    private RegistryFixture _registry = null!;
    private TestNetwork _network = null!;
    private string _image = null!;

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _registry = await RegistryFixture.StartAsync(RegistryAuth.None);
        _image = (await _registry.PushAsync(image, "podview/busybox:1.36")).Reference;
        _network = TestNetwork.Create();
    }

    public async Task DisposeAsync()
    {
        await _network.DisposeAsync();
        await _registry.DisposeAsync();
    }

    [Fact]
    public async Task PodContainer_ReadOnlyView_DockershimNameLabelsLogsTopAndChangesRefused()
    {
        await using var daemon = await MinatoDaemon.StartWithDockerApiAsync("--cni-config-dir", _network.ConfigDir);
        using var docker = new DockerClient(daemon);
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        var (pod, podId, containerId) = await RunPodContainerAsync(daemon);
        try
        {
            var meta = pod.Metadata;
            var name = $"k8s_web_{meta.Name}_{meta.Namespace}_{meta.Uid}_0";
            var sandboxName = $"k8s_POD_{meta.Name}_{meta.Namespace}_{meta.Uid}_0";
            var ps = await docker.RunAsync("ps", "--no-trunc", "--filter", "label=io.kubernetes.pod.uid=" + meta.Uid, "--format",
                "{{.Names}}|{{.ID}}|{{.Label \"io.kubernetes.container.name\"}}|{{.Label \"io.kubernetes.docker.type\"}}|{{.Label \"io.kubernetes.pod.namespace\"}}|{{.Label \"tier\"}}");
            var byName = await docker.RunAsync("ps", "-q", "--no-trunc", "--filter", "name=k8s_web_" + meta.Name);
            var inspect = await docker.RunAsync("inspect", "-f",
                "{{.Name}} {{.State.Status}} {{index .Config.Labels \"io.kubernetes.sandbox.id\"}} {{index .Config.Labels \"io.kubernetes.pod.name\"}}", name);
            var logs = await WaitForLogsAsync(docker, name, "hello-from-pod");
            var top = await docker.RunAsync("top", name);
            var stats = await docker.RunAsync("stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}}", name);
            var stop = await docker.RunAsync("stop", name);
            var remove = await docker.RunAsync("rm", "-f", containerId[..12]);
            var exec = await docker.RunAsync("exec", name, "true");
            var killSandbox = await docker.RunAsync("kill", sandboxName);
            var stillRunning = await daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = containerId });
            var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
            var events = await docker.RunAsync("events", "--since", since.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--until", until.ToString(System.Globalization.CultureInfo.InvariantCulture), "--filter", "container=" + name, "--format", "{{.Action}} {{.Actor.Attributes.name}}");

            Assert.True(ps.ExitCode == 0, ps.ToString());
            Assert.Contains($"{name}|{containerId}|web|container|{meta.Namespace}|frontend", ps.Stdout, StringComparison.Ordinal);
            Assert.Contains($"{sandboxName}|{podId}|POD|podsandbox|{meta.Namespace}|", ps.Stdout, StringComparison.Ordinal);
            Assert.Equal(containerId, byName.Stdout.Trim());
            Assert.Equal($"/{name} running {podId} {meta.Name}", inspect.Stdout.Trim());
            Assert.Equal("hello-from-pod\n", logs);
            Assert.True(top.ExitCode == 0, top.ToString());
            Assert.Contains("sleep 300", top.Stdout, StringComparison.Ordinal);
            Assert.True(stats.ExitCode == 0, stats.ToString());
            Assert.Matches($"^{name} [1-9][0-9]*\n$", stats.Stdout);
            foreach (var refused in new[] { stop, remove, exec, killSandbox })
            {
                Assert.NotEqual(0, refused.ExitCode);
                Assert.Contains("the kubelet owns it", refused.Stderr, StringComparison.Ordinal);
            }

            Assert.Equal(ContainerState.ContainerRunning, stillRunning.Status.State);
            Assert.Contains($"create {name}", events.Stdout, StringComparison.Ordinal);
            Assert.Contains($"start {name}", events.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await RemovePodAsync(daemon, pod, podId);
        }
    }

    [Fact]
    public async Task DockerRun_Detached_NotInCriListings()
    {
        await using var daemon = await MinatoDaemon.StartWithDockerApiAsync("--cni-config-dir", _network.ConfigDir);
        using var docker = new DockerClient(daemon);
        var (pod, podId, containerId) = await RunPodContainerAsync(daemon);
        try
        {
            var run = await docker.RunAsync("run", "-d", "--network", "none", "--name", "outsider", _image, "sleep", "300");
            var listed = await daemon.Runtime.ListContainersAsync(new ListContainersRequest());
            var sandboxes = await daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest());

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal([containerId], listed.Containers.Select(c => c.Id));
            Assert.Equal([podId], sandboxes.Items.Select(s => s.Id));
        }
        finally
        {
            await docker.RunAsync("rm", "-f", "outsider");
            await RemovePodAsync(daemon, pod, podId);
        }
    }

    [Fact]
    public async Task PodContainersHidden_NotListedNorInspectable()
    {
        var config = Path.Combine(Path.GetTempPath(), $"minato-podview-{Guid.NewGuid():N}.toml");
        await File.WriteAllTextAsync(config, "[docker_api]\npod_containers = \"hidden\"\n");
        try
        {
            await using var daemon = await MinatoDaemon.StartWithDockerApiAsync("--config", config, "--cni-config-dir", _network.ConfigDir);
            using var docker = new DockerClient(daemon);
            var (pod, podId, containerId) = await RunPodContainerAsync(daemon);
            try
            {
                var ps = await docker.RunAsync("ps", "-a", "--format", "{{.Names}}");
                var inspect = await docker.RunAsync("inspect", containerId);

                Assert.True(ps.ExitCode == 0, ps.ToString());
                Assert.DoesNotContain("k8s_", ps.Stdout, StringComparison.Ordinal);
                Assert.NotEqual(0, inspect.ExitCode);
                Assert.Contains("No such", inspect.Stderr, StringComparison.Ordinal);
            }
            finally
            {
                await RemovePodAsync(daemon, pod, podId);
            }
        }
        finally
        {
            File.Delete(config);
        }
    }

    private async Task<(PodSandboxConfig Pod, string PodId, string ContainerId)> RunPodContainerAsync(MinatoDaemon daemon)
    {
        await daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = _image } });
        var pod = PodConfigs.Kubelet();
        var podId = (await daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = pod })).PodSandboxId;
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = "web" },
            Image = new ImageSpec { Image = _image },
            LogPath = "web.log",
            Linux = new LinuxContainerConfig { SecurityContext = new LinuxContainerSecurityContext() },
        };
        config.Command.AddRange(["sh", "-c", "echo hello-from-pod; exec sleep 300"]);
        config.Labels.Add("tier", "frontend");
        config.Labels.Add("io.kubernetes.container.name", "web");
        config.Labels.Add("io.kubernetes.pod.name", pod.Metadata.Name);
        var containerId = (await daemon.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod })).ContainerId;
        await daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = containerId });
        return (pod, podId, containerId);
    }

    private static async Task RemovePodAsync(MinatoDaemon daemon, PodSandboxConfig pod, string podId)
    {
        await daemon.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = podId });
        await daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = podId });
        if (Directory.Exists(pod.LogDirectory))
        {
            Directory.Delete(pod.LogDirectory, recursive: true);
        }
    }

    private static async Task<string> WaitForLogsAsync(DockerClient docker, string name, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var logs = await docker.RunAsync("logs", name);
            if (logs.Stdout.Contains(expected, StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                return logs.Stdout;
            }

            await Task.Delay(200);
        }
    }
}
