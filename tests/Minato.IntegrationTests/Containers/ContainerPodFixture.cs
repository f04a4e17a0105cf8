using System.Text.Json;
using System.Text.RegularExpressions;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Pods;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Containers;

/// <summary>One daemon, one registry with the busybox test images and one CNI pod, shared by the classes of
/// <see cref="SharedContainerPod"/>: each test adds containers with names of its own and removes them.</summary>
public sealed partial class ContainerPodFixture : IAsyncLifetime
{
    /// <summary>Image USER values pushed as <c>test/user:&lt;n&gt;</c>, index n.</summary>
    public static readonly IReadOnlyList<string> ImageUsers = ["app", "1000:29", "app:users", "2147483648"];

    private RegistryFixture _registry = null!;
    private TestNetwork _network = null!;

    public MinatoDaemon Daemon { get; private set; } = null!;

    public PodSandboxConfig Pod { get; } = PodConfigs.Kubelet();

    public string PodId { get; private set; } = null!;

    public string Busybox { get; private set; } = null!;

    public string VolumeSymlink { get; private set; } = null!;

    public RuntimeService.RuntimeServiceClient Runtime => Daemon.Runtime;

    public async Task InitializeAsync()
    {
        _registry = await RegistryFixture.StartAsync();
        await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "library/busybox:1.36");
        await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.VolumeSymlinkToRoot), "test/volume-symlink:v1");
        await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "test/untagged:latest");
        for (var i = 0; i < ImageUsers.Count; i++)
        {
            await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.BusyboxUser(ImageUsers[i])), $"test/user:{i}");
        }

        _network = TestNetwork.Create();
        Daemon = await MinatoDaemon.StartAsync("--cni-config-dir", _network.ConfigDir);
        Busybox = await PullAsync("library/busybox:1.36");
        VolumeSymlink = await PullAsync("test/volume-symlink:v1");
        for (var i = 0; i < ImageUsers.Count; i++)
        {
            await PullAsync($"test/user:{i}");
        }

        PodId = (await Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = Pod })).PodSandboxId;
    }

    public async Task DisposeAsync()
    {
        await Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = PodId });
        await Daemon.DisposeAsync();
        await _network.DisposeAsync();
        await _registry.DisposeAsync();
        if (Directory.Exists(Pod.LogDirectory))
        {
            Directory.Delete(Pod.LogDirectory, recursive: true);
        }
    }

    /// <summary>The local registry's <c>host:port</c>; <c>test/untagged:latest</c> there is busybox, pulled by no test in advance.</summary>
    public string RegistryHost => _registry.Host;

    /// <summary>The reference of the image whose USER is <see cref="ImageUsers"/>[<paramref name="index"/>].</summary>
    public string UserImage(int index) => $"{_registry.Host}/test/user:{index}";

    /// <summary>A config running <paramref name="command"/> in busybox, named uniquely, logging to <c>&lt;name&gt;.log</c>.</summary>
    public static ContainerConfig Config(string name, params string[] command)
    {
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name },
            LogPath = name + ".log",
            Linux = new LinuxContainerConfig { SecurityContext = new LinuxContainerSecurityContext() },
        };
        config.Command.AddRange(command);
        return config;
    }

    public async Task<string> CreateAsync(ContainerConfig config)
    {
        config.Image ??= new ImageSpec { Image = Busybox };
        return (await Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = PodId, Config = config, SandboxConfig = Pod })).ContainerId;
    }

    /// <summary>Creates and starts the container, waits for its exit, removes it, and returns its status and log.</summary>
    public async Task<ContainerRun> RunToExitAsync(ContainerConfig config)
    {
        var id = await CreateAsync(config);
        try
        {
            await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
            var status = await WaitForExitAsync(id);
            return new ContainerRun(status, ParseLog(await File.ReadAllLinesAsync(status.LogPath)));
        }
        finally
        {
            await Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        }
    }

    public async Task<ContainerStatus> WaitForExitAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = (await Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status;
            if (status.State == ContainerState.ContainerExited)
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"container {id} still {status.State} after 60s");
            await Task.Delay(50);
        }
    }

    /// <summary>The verbose status info of a container (pid, rootfs, ...).</summary>
    public async Task<JsonElement> InfoAsync(string id)
    {
        var status = await Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id, Verbose = true });
        using var info = JsonDocument.Parse(status.Info["info"]);
        return info.RootElement.Clone();
    }

    /// <summary>The records of a CRI log file; a line that is no record fails the test.</summary>
    public static IReadOnlyList<LogRecord> ParseLog(IEnumerable<string> lines) =>
        lines.Select(l => CriRecord().Match(l) is { Success: true } m
            ? new LogRecord(m.Groups[1].Value, m.Groups[2].Value == "P", m.Groups[3].Value)
            : throw new Xunit.Sdk.XunitException($"not a CRI log record: {l[..Math.Min(l.Length, 200)]}")).ToList();

    private async Task<string> PullAsync(string nameTag)
    {
        var image = $"{_registry.Host}/{nameTag}";
        await Daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image } });
        return image;
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(?:Z|[+-]\d\d:\d\d) (stdout|stderr) (F|P) (.*)$")]
    private static partial Regex CriRecord();
}

/// <summary>The test classes sharing one <see cref="ContainerPodFixture"/> (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class SharedContainerPod : ICollectionFixture<ContainerPodFixture>
{
    public const string Name = "container pod";
}

/// <summary>One record of a CRI log: stream, whether the line continues in the next record, content.</summary>
public sealed record LogRecord(string Stream, bool Partial, string Content);

/// <summary>How a container ended and what it logged.</summary>
public sealed record ContainerRun(ContainerStatus Status, IReadOnlyList<LogRecord> Log)
{
    /// <summary>Whole stdout lines (partial records joined).</summary>
    public IReadOnlyList<string> Stdout => Lines("stdout");

    public IReadOnlyList<string> Lines(string stream)
    {
        var lines = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var record in Log.Where(r => r.Stream == stream))
        {
            current.Append(record.Content);
            if (!record.Partial)
            {
                lines.Add(current.ToString());
                current.Clear();
            }
        }

        return lines;
    }

    /// <summary>The value of a <c>Key:\tvalue</c> line of /proc/self/status the container printed.</summary>
    public string ProcStatus(string key) =>
        Stdout.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0] == key).Select(p => p[1].Trim()).FirstOrDefault()
            ?? throw new Xunit.Sdk.XunitException($"no {key}: line in {string.Join('\n', Stdout)}");
}
