using System.Text.Json;
using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.IntegrationTests.Containers;

/// <summary>Changes to running containers: resources and log reopening.</summary>
public sealed partial class ContainerLifecycleTests
{
    [Fact]
    public async Task UpdateContainerResources_RunningContainer_ChangesItsMemoryLimit()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var id = await CreateAsync(podId, pod, "limited", "sleep", "600");
        await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        using var info = JsonDocument.Parse((await StatusAsync(id)).Info["info"]);
        var pid = info.RootElement.GetProperty("pid").GetInt32();

        await Runtime.UpdateContainerResourcesAsync(new UpdateContainerResourcesRequest
        {
            ContainerId = id,
            Linux = new LinuxContainerResources { MemoryLimitInBytes = 96L << 20, CpuShares = 512 },
        });

        Assert.Equal((96L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), MemoryCgroupFile(pid, "memory.limit_in_bytes"));
        await Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Runtime.UpdateContainerResourcesAsync(
            new UpdateContainerResourcesRequest { ContainerId = id, Linux = new LinuxContainerResources() }));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task ContainerStatus_CreatedWithLimitsThenUpdated_ReportsTheAppliedResources()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = "sized" },
            Image = new ImageSpec { Image = _node.Busybox },
            LogPath = "sized/0.log",
            Command = { "sleep", "600" },
            Linux = new LinuxContainerConfig
            {
                Resources = new LinuxContainerResources { MemoryLimitInBytes = 64L << 20, CpuShares = 256, CpuPeriod = 100000, CpuQuota = 50000, CpusetCpus = "0" },
            },
        };
        var id = (await Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod })).ContainerId;
        await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        var created = (await StatusAsync(id)).Status.Resources.Linux;

        await Runtime.UpdateContainerResourcesAsync(new UpdateContainerResourcesRequest
        {
            ContainerId = id,
            Linux = new LinuxContainerResources { MemoryLimitInBytes = 96L << 20, CpuShares = 512, CpuPeriod = 100000, CpuQuota = 20000, CpusetCpus = "0" },
        });
        var updated = (await StatusAsync(id)).Status.Resources.Linux;

        Assert.Equal((64L << 20, 256L, 100000L, 50000L, "0"), (created.MemoryLimitInBytes, created.CpuShares, created.CpuPeriod, created.CpuQuota, created.CpusetCpus));
        Assert.Equal((96L << 20, 512L, 100000L, 20000L, "0"), (updated.MemoryLimitInBytes, updated.CpuShares, updated.CpuPeriod, updated.CpuQuota, updated.CpusetCpus));
    }

    [Fact]
    public async Task ReopenContainerLog_AfterTheFileWasRenamed_NewLinesGoToTheNewFileAndNoneIsLost()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var id = await CreateAsync(podId, pod, "counter", "sh", "-c", "i=0; while true; do i=$((i+1)); echo $i; sleep 0.05; done");
        await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        var log = (await StatusAsync(id)).Status.LogPath;
        await WaitUntilAsync(() => File.Exists(log) && File.ReadAllLines(log).Length >= 3);

        File.Move(log, log + ".1");
        await Runtime.ReopenContainerLogAsync(new ReopenContainerLogRequest { ContainerId = id });
        Assert.True(File.Exists(log), "no log file right after ReopenContainerLog returned");
        await WaitUntilAsync(() => File.Exists(log) && File.ReadAllLines(log).Length >= 3);
        await Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 0 });

        var numbers = File.ReadAllLines(log + ".1").Concat(File.ReadAllLines(log))
            .Select(l => CriLine().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, numbers.Count), numbers);
        var stopped = await Assert.ThrowsAsync<RpcException>(async () => await Runtime.ReopenContainerLogAsync(new ReopenContainerLogRequest { ContainerId = id }));
        Assert.Equal(StatusCode.FailedPrecondition, stopped.StatusCode);
    }

    [Fact]
    public async Task ContainerStats_RunningContainer_ReportsCpuMemoryAndWritableLayer()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var id = await CreateAsync(podId, pod, "busy", "sh", "-c", "head -c 300000 /dev/zero > /big; while true; do :; done");
        await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        await Task.Delay(300);

        var first = (await Runtime.ContainerStatsAsync(new ContainerStatsRequest { ContainerId = id })).Stats;
        await Task.Delay(300);
        var listed = await Runtime.ListContainerStatsAsync(new ListContainerStatsRequest { Filter = new ContainerStatsFilter { PodSandboxId = podId } });

        Assert.Equal(id, first.Attributes.Id);
        Assert.True(first.Cpu.UsageCoreNanoSeconds.Value > 0);
        Assert.True(first.Memory.WorkingSetBytes.Value > 0);
        Assert.True(first.WritableLayer.UsedBytes.Value >= 300000, $"writable layer {first.WritableLayer.UsedBytes.Value} bytes");
        var second = Assert.Single(listed.Stats);
        Assert.True(second.Cpu.UsageCoreNanoSeconds.Value > first.Cpu.UsageCoreNanoSeconds.Value);
        Assert.True(second.Cpu.UsageNanoCores.Value > 100_000_000, $"{second.Cpu.UsageNanoCores.Value} nano cores for a busy loop");
    }

    [Fact]
    public async Task ContainerStats_OnlyDirectoriesAndTinyFiles_ReportsUsedBytesAndInodes()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var id = await CreateAsync(podId, pod, "tiny", "sh", "-c", "mkdir -p /d1/d2/d3 /e1 /e2; echo a > /d1/f; : > /e1/empty; touch /done; sleep 600");
        await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        await WaitUntilAsync(() => Runtime.ExecSync(new ExecSyncRequest { ContainerId = id, Cmd = { "test", "-e", "/done" }, Timeout = 5 }).ExitCode == 0);

        var stats = (await Runtime.ContainerStatsAsync(new ContainerStatsRequest { ContainerId = id })).Stats;

        Assert.True(stats.WritableLayer.UsedBytes.Value > 0, "a layer holding only directories and tiny files reported 0 bytes");
        Assert.True(stats.WritableLayer.InodesUsed.Value >= 8, $"{stats.WritableLayer.InodesUsed.Value} inodes");
    }

    [Fact]
    public async Task ExecSync_RunningContainer_ReturnsBothStreamsAndTheExitCodeAndTimesOutWithoutAnError()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var id = await CreateAsync(podId, pod, "target", "sleep", "600");
        await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });

        var result = await Runtime.ExecSyncAsync(new ExecSyncRequest { ContainerId = id, Cmd = { "sh", "-c", "echo out; echo err >&2; exit 4" }, Timeout = 10 });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var slow = await Runtime.ExecSyncAsync(new ExecSyncRequest { ContainerId = id, Cmd = { "sleep", "30" }, Timeout = 1 });
        watch.Stop();
        var processes = await Runtime.ExecSyncAsync(new ExecSyncRequest { ContainerId = id, Cmd = { "ps" } });

        Assert.Equal("out\n", result.Stdout.ToStringUtf8());
        Assert.Equal("err\n", result.Stderr.ToStringUtf8());
        Assert.Equal(4, result.ExitCode);
        Assert.NotEqual(0, slow.ExitCode);
        Assert.Contains("timed out", slow.Stderr.ToStringUtf8(), StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.DoesNotContain("sleep 30", processes.Stdout.ToStringUtf8(), StringComparison.Ordinal);
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

    /// <summary>A file of the process's cgroup in the v1 memory hierarchy (or the unified one on v2).</summary>
    private static string MemoryCgroupFile(int pid, string file)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/cgroup");
        var memory = lines.FirstOrDefault(l => l.Split(':')[1].Split(',').Contains("memory"));
        return memory is not null
            ? File.ReadAllText($"/sys/fs/cgroup/memory{memory.Split(':', 3)[2]}/{file}").Trim()
            : File.ReadAllText($"/sys/fs/cgroup{lines.Single(l => l.StartsWith("0::", StringComparison.Ordinal))[3..]}/memory.max").Trim();
    }
}
