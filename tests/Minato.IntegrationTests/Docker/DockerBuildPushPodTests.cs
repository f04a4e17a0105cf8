using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Pods;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Docker;

/// <summary>The build issue's whole path: <c>docker build</c> and <c>docker push</c> on one node, the image pulled and run as
/// a Kubernetes pod through the CRI on another; and docker-py's build API.</summary>
public sealed class DockerBuildPushPodTests : IAsyncLifetime
{
    private RegistryFixture _registry = null!;
    private TestNetwork _network = null!;
    private string _base = null!;

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _registry = await RegistryFixture.StartAsync(RegistryAuth.None);
        _base = (await _registry.PushAsync(image, "pod/busybox:1.36")).Reference;
        _network = TestNetwork.Create();
    }

    public async Task DisposeAsync()
    {
        await _network.DisposeAsync();
        await _registry.DisposeAsync();
    }

    [Fact]
    public async Task BuildPushThenCriPod_OnAnotherNode_RunsTheBuiltImage()
    {
        var app = $"{_registry.Host}/app:1";
        await using (var builder = await MinatoDaemon.StartWithDockerApiAsync())
        {
            using var docker = new DockerClient(builder);
            var context = Path.Combine(builder.Directory, "context");
            Directory.CreateDirectory(context);
            await File.WriteAllTextAsync(Path.Combine(context, "greeting.txt"), "copied\n");
            await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), $"""
                FROM {_base}
                COPY greeting.txt /app/greeting.txt
                RUN echo built-by-run > /app/run.txt
                CMD ["sh", "-c", "cat /app/greeting.txt /app/run.txt"]
                """);

            var build = await CommandResult.RunAsync(DockerClient.CliPath, ["build", "-t", app, context], TimeSpan.FromMinutes(3), new Dictionary<string, string?>
            {
                ["DOCKER_HOST"] = builder.DockerHost,
                ["DOCKER_CONFIG"] = docker.ConfigDirectory,
                ["DOCKER_BUILDKIT"] = "0",
                ["DOCKER_CONTEXT"] = null,
                ["DOCKER_API_VERSION"] = null,
            });
            Assert.True(build.ExitCode == 0, build.ToString());
            var push = await docker.RunAsync("push", app);
            Assert.True(push.ExitCode == 0, push.ToString());
        }

        await using var node = await MinatoDaemon.StartAsync("--cni-config-dir", _network.ConfigDir);
        await node.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = app } });
        var pod = PodConfigs.Kubelet();
        var podId = (await node.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = pod })).PodSandboxId;
        try
        {
            var config = new ContainerConfig
            {
                Metadata = new ContainerMetadata { Name = "app" },
                Image = new ImageSpec { Image = app },
                LogPath = "app.log",
                Linux = new LinuxContainerConfig { SecurityContext = new LinuxContainerSecurityContext() },
            };
            var id = (await node.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod })).ContainerId;
            await node.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
            var status = await WaitForExitAsync(node, id);
            var log = await File.ReadAllTextAsync(Path.Combine(pod.LogDirectory, "app.log"));

            Assert.Equal(0, status.ExitCode);
            Assert.Contains(" stdout F copied", log, StringComparison.Ordinal);
            Assert.Contains(" stdout F built-by-run", log, StringComparison.Ordinal);
        }
        finally
        {
            await node.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = podId });
            await node.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = podId });
            if (Directory.Exists(pod.LogDirectory))
            {
                Directory.Delete(pod.LogDirectory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task DockerPyBuild_ContextDirectory_ImageBuiltAndRuns()
    {
        await using var daemon = await MinatoDaemon.StartWithDockerApiAsync();
        using var docker = new DockerClient(daemon);
        var context = Path.Combine(daemon.Directory, "pycontext");
        Directory.CreateDirectory(context);
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), $"""
            FROM {_base}
            ARG WHO=nobody
            RUN echo "hello $WHO" > /hello.txt
            CMD ["cat", "/hello.txt"]
            """);
        var script = Path.Combine(daemon.Directory, "build.py");
        await File.WriteAllTextAsync(script, $$"""
            import docker
            client = docker.from_env()
            image, logs = client.images.build(path={{Quote(context)}}, tag="pybuilt:1", buildargs={"WHO": "docker-py"}, rm=True)
            print("steps", sum(1 for chunk in logs if "Step " in chunk.get("stream", "")))
            print(client.containers.run("pybuilt:1", remove=True).decode().strip())
            """);

        var result = await docker.RunClientAsync("/usr/bin/python3", script);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("steps 4", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("hello docker-py", result.Stdout, StringComparison.Ordinal);
    }

    private static string Quote(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static async Task<ContainerStatus> WaitForExitAsync(MinatoDaemon daemon, string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var status = (await daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status;
            if (status.State == ContainerState.ContainerExited || DateTime.UtcNow > deadline)
            {
                return status;
            }

            await Task.Delay(100);
        }
    }
}
