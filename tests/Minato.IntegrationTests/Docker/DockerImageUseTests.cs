using System.Text;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Pods;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Docker;

/// <summary>docker rmi of an image a CRI container uses, and docker pull with credentials from the CLI's config.</summary>
public sealed class DockerImageUseTests : IAsyncLifetime, IDisposable
{
    private RegistryFixture _registry = null!;
    private TestNetwork _network = null!;
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;
    private string _reference = null!;
    private string _imageId = null!;

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _imageId = image.Manifest().ImageId;
        _registry = await RegistryFixture.StartAsync(RegistryAuth.Basic);
        _reference = (await _registry.PushAsync(image, "use/busybox:1.36")).Reference;
        _network = TestNetwork.Create();
        _daemon = await MinatoDaemon.StartWithDockerApiAsync("--cni-config-dir", _network.ConfigDir);
        _docker = new DockerClient(_daemon);
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _network.DisposeAsync();
        await _registry.DisposeAsync();
    }

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task DockerPull_CredentialsInCliConfig_SentAsXRegistryAuth()
    {
        var refused = await _docker.RunAsync("pull", _reference);
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(_registry.Credentials!.SkopeoCreds));
        await File.WriteAllTextAsync(Path.Combine(_docker.ConfigDirectory, "config.json"),
            "{\"auths\":{\"" + _registry.Host + "\":{\"auth\":\"" + auth + "\"}}}");

        var pull = await _docker.RunAsync("pull", _reference);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("pull access denied", refused.Stderr, StringComparison.Ordinal);
        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.Contains("Status: Downloaded newer image", pull.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DockerRmi_ImageOfACriContainer_ConflictThenRunningCannotBeForced()
    {
        await _daemon.Images.PullImageAsync(new PullImageRequest
        {
            Image = new ImageSpec { Image = _reference },
            Auth = new AuthConfig { Username = _registry.Credentials!.Username, Password = _registry.Credentials.Password },
        });
        var pod = PodConfigs.Kubelet();
        var podId = (await _daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = pod })).PodSandboxId;
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = "user" },
            Image = new ImageSpec { Image = _reference },
            LogPath = "user.log",
            Linux = new LinuxContainerConfig { SecurityContext = new LinuxContainerSecurityContext() },
        };
        config.Command.AddRange(["sleep", "300"]);
        var containerId = (await _daemon.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod })).ContainerId;
        try
        {
            var byName = await _docker.RunAsync("rmi", _reference);
            var byId = await _docker.RunAsync("rmi", _imageId[7..19]);
            await _daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = containerId });
            var forcedWhileRunning = await _docker.RunAsync("rmi", "-f", _imageId[7..19]);

            Assert.NotEqual(0, byName.ExitCode);
            Assert.Contains($"conflict: unable to remove repository reference \"{_reference}\" (must force) - container {containerId[..12]} is using its referenced image {_imageId[7..19]}",
                byName.Stderr, StringComparison.Ordinal);
            Assert.Contains($"(must be forced) - image is being used by stopped container {containerId[..12]}", byId.Stderr, StringComparison.Ordinal);
            Assert.Contains($"(cannot be forced) - image is being used by running container {containerId[..12]}", forcedWhileRunning.Stderr, StringComparison.Ordinal);
            Assert.Equal(_imageId[7..19], (await _docker.RunAsync("images", "-q")).Stdout.Trim());
        }
        finally
        {
            await _daemon.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = containerId, Timeout = 1 });
            await _daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = podId });
            if (Directory.Exists(pod.LogDirectory))
            {
                Directory.Delete(pod.LogDirectory, recursive: true);
            }
        }
    }
}
