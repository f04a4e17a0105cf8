using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Pods;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Containers;

/// <summary>A node in miniature for container tests: a registry serving busybox, a CNI network, and a daemon using both.</summary>
/// <remarks>Disposing removes every pod and container the tests left, then the daemon, network, registry and pod log dirs.</remarks>
public sealed class TestNode : IAsyncDisposable
{
    private const string BusyboxRepository = "library/busybox:1.36";

    private readonly List<string> _logDirectories = [];

    private TestNode(RegistryFixture registry, TestNetwork network, MinatoDaemon daemon)
    {
        Registry = registry;
        Network = network;
        Daemon = daemon;
    }

    public RegistryFixture Registry { get; }

    public TestNetwork Network { get; }

    public MinatoDaemon Daemon { get; }

    public RuntimeService.RuntimeServiceClient Runtime => Daemon.Runtime;

    /// <summary>The busybox reference on the registry (pulled when <see cref="StartAsync"/> was asked to).</summary>
    public string Busybox => $"{Registry.Host}/{BusyboxRepository}";

    /// <summary>Starts the registry with busybox pushed, the network and the daemon (with <paramref name="daemonArgs"/> added); pulls busybox unless told not to.</summary>
    public static async Task<TestNode> StartAsync(bool pullBusybox = true, params string[] daemonArgs)
    {
        var registry = await RegistryFixture.StartAsync();
        await registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), BusyboxRepository);
        var network = TestNetwork.Create();
        var node = new TestNode(registry, network, await MinatoDaemon.StartAsync(["--cni-config-dir", network.ConfigDir, .. daemonArgs]));
        if (pullBusybox)
        {
            await node.Daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = node.Busybox } });
        }

        return node;
    }

    /// <summary>A kubelet-like pod config whose log directory is removed with the node.</summary>
    public PodSandboxConfig NewPod()
    {
        var pod = PodConfigs.Kubelet();
        _logDirectories.Add(pod.LogDirectory);
        return pod;
    }

    public async ValueTask DisposeAsync()
    {
        // Pods first (they take their containers along), then anything left without a pod.
        foreach (var pod in (await Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items)
        {
            await Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
        }

        foreach (var container in (await Runtime.ListContainersAsync(new ListContainersRequest())).Containers)
        {
            await Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = container.Id });
        }

        await Daemon.DisposeAsync();
        await Network.DisposeAsync();
        await Registry.DisposeAsync();
        foreach (var directory in _logDirectories.Where(Directory.Exists))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
