using Grpc.Core;
using Microsoft.Data.Sqlite;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Pods;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Containers;

/// <summary>The daemon's filesystem fills up under it: by a container writing into its writable layer (root and the pod's
/// logs on one small tmpfs), or under the metadata database alone. The container sees ENOSPC, the daemon keeps
/// answering, what must write fails with RESOURCE_EXHAUSTED, nothing of Minato's own is corrupted or reset, and writes
/// work again once there is room.</summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minato-it-disk-full-").FullName;
    private readonly List<string> _mounts = [];
    private RegistryFixture _registry = null!;
    private TestNetwork _network = null!;

    private string Home => Path.Combine(_dir, "d");

    private string Image => $"{_registry.Host}/library/busybox:1.36";

    public async Task InitializeAsync()
    {
        _registry = await RegistryFixture.StartAsync();
        await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "library/busybox:1.36");
        _network = TestNetwork.Create();
        Directory.CreateDirectory(Home);
    }

    public async Task DisposeAsync()
    {
        // A failed test leaves its containers' mounts; deepest first, then the small filesystems.
        var left = File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4])
            .Where(p => p.StartsWith(_dir + "/", StringComparison.Ordinal) && !_mounts.Contains(p)).OrderByDescending(p => p.Length);
        foreach (var point in left)
        {
            await CommandResult.RunAsync("umount", ["-l", point], TimeSpan.FromSeconds(30));
        }

        foreach (var point in Enumerable.Reverse(_mounts))
        {
            await CommandResult.RunAsync("umount", ["-l", point], TimeSpan.FromSeconds(30));
        }

        await _network.DisposeAsync();
        await _registry.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ContainerFillsTheDisk_ContainerSeesEnospc_DaemonServesRefusesWritesAndRecoversOnceFreed()
    {
        // The root (images, the containers' writable layers, the database) and the pod's logs on one small filesystem; the
        // state directory (bundles, runc's state) stays on the host's, as a tmpfs /run would.
        var root = Path.Combine(Home, "root");
        await MountTmpfsAsync(root, "40m");
        var pod = PodConfigs.Kubelet();
        pod.LogDirectory = Path.Combine(root, "pod-logs");
        var config = Path.Combine(_dir, "minato.toml");
        await File.WriteAllTextAsync(config, "min_free_space = 0\n");
        await using var daemon = await MinatoDaemon.StartInAsync(Home, "--config", config, "--cni-config-dir", _network.ConfigDir);
        await daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = Image } });
        var podId = (await daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = pod })).PodSandboxId;
        var writer = await RunAsync(daemon, podId, pod, "writer", "sh", "-c", "echo started; exec sleep 600");
        var other = await RunAsync(daemon, podId, pod, "other", "sleep", "600");

        // dd writes zeros into the container's writable layer until the filesystem is full; the exec's output (which does
        // not go through the full filesystem) says how it ended.
        var fill = await daemon.Runtime.ExecSyncAsync(new ExecSyncRequest { ContainerId = writer, Cmd = { "sh", "-c", "dd if=/dev/zero of=/fill bs=1M; echo $?" }, Timeout = 60 });

        Assert.Equal("1\n", fill.Stdout.ToStringUtf8());
        Assert.Contains("No space left on device", fill.Stderr.ToStringUtf8(), StringComparison.Ordinal);
        var probe = await daemon.Runtime.ExecSyncAsync(new ExecSyncRequest { ContainerId = other, Cmd = { "sh", "-c", "echo x > /probe" }, Timeout = 10 });
        Assert.NotEqual(0, probe.ExitCode);
        Assert.Contains("No space left on device", probe.Stderr.ToStringUtf8(), StringComparison.Ordinal);

        // The daemon answers everything that reads, and the writer's log holds what it wrote before the disk filled.
        Assert.Equal(2, (await daemon.Runtime.ListContainersAsync(new ListContainersRequest())).Containers.Count);
        Assert.Equal(PodSandboxState.SandboxReady, (await daemon.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = podId })).Status.State);
        Assert.Equal(ContainerState.ContainerRunning, (await daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = writer })).Status.State);
        await daemon.Runtime.ContainerStatsAsync(new ContainerStatsRequest { ContainerId = writer });
        Assert.NotEmpty((await daemon.Images.ImageFsInfoAsync(new ImageFsInfoRequest())).ImageFilesystems);
        Assert.Contains("started", await File.ReadAllTextAsync(Path.Combine(pod.LogDirectory, "writer.log")), StringComparison.Ordinal);

        // A call that must write fits in what is left or fails with RESOURCE_EXHAUSTED naming the full filesystem, and
        // then leaves nothing.
        string? extra = null;
        try
        {
            extra = await CreateAsync(daemon, podId, pod, "extra", "sleep", "600");
        }
        catch (RpcException e)
        {
            Assert.True(e.StatusCode == StatusCode.ResourceExhausted, e.Status.ToString());
            Assert.Contains("no space left", e.Status.Detail, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(extra is null ? 2 : 3, (await daemon.Runtime.ListContainersAsync(new ListContainersRequest())).Containers.Count);
        AssertDatabaseIntact(daemon);

        // The container frees what it wrote; then everything writes again.
        var freed = await daemon.Runtime.ExecSyncAsync(new ExecSyncRequest { ContainerId = writer, Cmd = { "rm", "/fill" }, Timeout = 10 });
        Assert.Equal(0, freed.ExitCode);
        var next = await RunAsync(daemon, podId, pod, "next", "sh", "-c", "echo written > /file && exec sleep 600");
        var written = await daemon.Runtime.ExecSyncAsync(new ExecSyncRequest { ContainerId = next, Cmd = { "cat", "/file" }, Timeout = 10 });
        Assert.Equal("written\n", written.Stdout.ToStringUtf8());
        await daemon.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = podId });
        await daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = podId });
        Assert.Empty((await daemon.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
        AssertDatabaseIntact(daemon);
    }

    [Fact]
    public async Task MetadataDatabaseDiskFull_WritesFailWithResourceExhaustedReadsWorkAndWritesResumeOnceFreed()
    {
        var root = Path.Combine(Home, "root");
        await MountTmpfsAsync(root, "8m");
        var fill = Path.Combine(root, "fill");
        string first;
        var created = new List<string>();
        RpcException? failure = null;
        string? failedName = null;
        await using (var daemon = await MinatoDaemon.StartInAsync(Home, "--cni-config-dir", _network.ConfigDir))
        {
            first = await RunPodAsync(daemon, "first");
            created.Add(first);
            FillUp(fill);

            // The database's write-ahead log grows with each commit until a write finds no room.
            for (var i = 0; i < 40 && failure is null; i++)
            {
                try
                {
                    created.Add(await RunPodAsync(daemon, $"pod-{i}"));
                }
                catch (RpcException e)
                {
                    failure = e;
                    failedName = $"pod-{i}";
                }
            }

            Assert.NotNull(failure);
            Assert.True(failure.StatusCode == StatusCode.ResourceExhausted, failure.Status.ToString());
            Assert.Contains($"no space left on {root} (tmpfs on ", failure.Status.Detail, StringComparison.Ordinal);

            // Reads are served from what is committed; the failed pod is not there, half-made or otherwise.
            var listed = (await daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items.Select(p => p.Id).Order().ToList();
            Assert.Equal(created.Order().ToList(), listed);
            Assert.Equal(PodSandboxState.SandboxReady, (await daemon.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = first })).Status.State);
            Assert.Equal(created.Count, _network.AllocatedAddresses().Count);
            AssertDatabaseIntact(daemon);

            // Room again: the same name is free and writes work.
            File.Delete(fill);
            created.Add(await RunPodAsync(daemon, failedName!));
            ProcessSignals.Send(daemon.ProcessId, ProcessSignals.SigKill);
            await daemon.StopAsync(TimeSpan.FromSeconds(30));
        }

        // Nothing was reset: a restart finds every pod.
        await using var again = await MinatoDaemon.StartInAsync(Home, "--cni-config-dir", _network.ConfigDir);
        var recovered = (await again.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items.Select(p => p.Id).Order().ToList();
        Assert.Equal(created.Order().ToList(), recovered);
        foreach (var id in recovered)
        {
            await again.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id });
        }

        Assert.Empty(_network.AllocatedAddresses());
    }

    private static async Task<string> RunPodAsync(MinatoDaemon daemon, string name) =>
        (await daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = PodConfigs.Kubelet(name) })).PodSandboxId;

    private async Task<string> CreateAsync(MinatoDaemon daemon, string podId, PodSandboxConfig pod, string name, params string[] command)
    {
        var config = new ContainerConfig { Metadata = new ContainerMetadata { Name = name }, Image = new ImageSpec { Image = Image }, LogPath = name + ".log" };
        config.Command.AddRange(command);
        return (await daemon.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod })).ContainerId;
    }

    private async Task<string> RunAsync(MinatoDaemon daemon, string podId, PodSandboxConfig pod, string name, params string[] command)
    {
        var id = await CreateAsync(daemon, podId, pod, name, command);
        await daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        return id;
    }

    private static async Task<ContainerStatus> WaitForExitAsync(MinatoDaemon daemon, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = (await daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status;
            if (status.State == ContainerState.ContainerExited)
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"container {id} still {status.State}");
            await Task.Delay(100);
        }
    }

    /// <summary>Writes <paramref name="path"/> until the filesystem refuses: it is full, to the last page.</summary>
    private static void FillUp(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)0x5a);
        try
        {
            while (true)
            {
                file.Write(chunk);
            }
        }
        catch (IOException)
        {
            // Full; smaller writes take what is left.
        }

        try
        {
            while (true)
            {
                file.Write(chunk, 0, 512);
            }
        }
        catch (IOException)
        {
            // Full to the last block.
        }
    }

    private async Task MountTmpfsAsync(string path, string size)
    {
        Directory.CreateDirectory(path);
        var mount = await CommandResult.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={size},mode=0755", "minato-it-full", path], TimeSpan.FromSeconds(30));
        Assert.True(mount.ExitCode == 0, mount.Stderr);
        _mounts.Add(path);
    }

    private static void AssertDatabaseIntact(MinatoDaemon daemon)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(daemon.Root, "minato.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", check.ExecuteScalar() as string);
    }
}
