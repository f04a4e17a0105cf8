using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;
using Minato.Testing;

namespace Minato.IntegrationTests.Pods;

/// <summary>Pod stats, metrics and the stats verbs on a real daemon with a CNI pod and a running container.</summary>
public sealed class PodStatsTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private PodSandboxConfig _pod = null!;
    private string _podId = null!;
    private string _containerId = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync();
        _pod = _node.NewPod();
        _podId = (await _node.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod })).PodSandboxId;
        var config = new ContainerConfig { Metadata = new ContainerMetadata { Name = "busy" }, Image = new ImageSpec { Image = _node.Busybox }, LogPath = "busy.log" };
        config.Command.AddRange(["sh", "-c", "echo early; sleep 1; echo late; exec sleep 600"]);
        _containerId = (await _node.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = _podId, Config = config, SandboxConfig = _pod })).ContainerId;
        await _node.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = _containerId });
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task ListPodSandboxStats_RunningPod_CpuMemoryTasksNetworkAndContainers()
    {
        var listed = await _node.Daemon.Runtime.ListPodSandboxStatsAsync(new ListPodSandboxStatsRequest
        {
            Filter = new PodSandboxStatsFilter { LabelSelector = { ["app"] = _pod.Metadata.Name } },
        });
        var one = await _node.Daemon.Runtime.PodSandboxStatsAsync(new PodSandboxStatsRequest { PodSandboxId = _podId[..12] });
        var none = await _node.Daemon.Runtime.ListPodSandboxStatsAsync(new ListPodSandboxStatsRequest
        {
            Filter = new PodSandboxStatsFilter { LabelSelector = { ["app"] = "nobody" } },
        });

        var stats = Assert.Single(listed.Stats);
        Assert.Equal(_podId, stats.Attributes.Id);
        Assert.Equal(_podId, one.Stats.Attributes.Id);
        Assert.Empty(none.Stats);
        var linux = stats.Linux;
        Assert.True(linux.Cpu.UsageCoreNanoSeconds.Value > 0);
        Assert.True(linux.Memory.WorkingSetBytes.Value > 0);
        Assert.True(linux.Process.ProcessCount.Value >= 1, linux.Process.ToString());
        Assert.Equal("eth0", linux.Network.DefaultInterface.Name);
        Assert.NotNull(linux.Network.DefaultInterface.RxBytes);
        Assert.DoesNotContain(linux.Network.Interfaces, i => i.Name == "lo");
        Assert.Equal(_containerId, Assert.Single(linux.Containers).Attributes.Id);
    }

    [Fact]
    public async Task PodSandboxStats_PodWithItsOwnCgroup_ReadsItEvenAfterItsContainerStopped()
    {
        // The kubelet names a per-pod cgroup in cgroup_parent; runc makes it as the container's parent.
        var parent = "minato-it-pod-" + Guid.NewGuid().ToString("N")[..8];
        var pod = PodConfigs.Kubelet();
        pod.Linux.CgroupParent = "/" + parent;
        try
        {
            var podId = (await _node.Daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = pod })).PodSandboxId;
            var config = new ContainerConfig { Metadata = new ContainerMetadata { Name = "spin" }, Image = new ImageSpec { Image = $"{_node.Registry.Host}/library/busybox:1.36" }, LogPath = "spin.log" };
            config.Command.AddRange(["sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exec sleep 600"]);
            var id = (await _node.Daemon.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod })).ContainerId;
            await _node.Daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
            var running = (await _node.Daemon.Runtime.PodSandboxStatsAsync(new PodSandboxStatsRequest { PodSandboxId = podId })).Stats.Linux;
            await _node.Daemon.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 0 });
            var stopped = (await _node.Daemon.Runtime.PodSandboxStatsAsync(new PodSandboxStatsRequest { PodSandboxId = podId })).Stats.Linux;
            await _node.Daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = podId });

            Assert.True(running.Process.ProcessCount.Value >= 1);
            Assert.True(running.Memory.UsageBytes.Value > 0);

            // Summing running containers would give nothing now; the pod's own cgroup keeps its CPU time.
            Assert.Null(Assert.Single(stopped.Containers).Cpu);
            Assert.True(stopped.Cpu.UsageCoreNanoSeconds.Value >= running.Cpu.UsageCoreNanoSeconds.Value, $"{stopped.Cpu} after {running.Cpu}");
            Assert.Equal(0UL, stopped.Process.ProcessCount.Value);
        }
        finally
        {
            foreach (var directory in Directory.GetDirectories("/sys/fs/cgroup").Select(h => Path.Combine(h, parent)).Where(Directory.Exists))
            {
                Directory.Delete(directory);
            }

            if (Directory.Exists(pod.LogDirectory))
            {
                Directory.Delete(pod.LogDirectory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task PodSandboxStats_UnknownPod_NotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _node.Daemon.Runtime.PodSandboxStatsAsync(new PodSandboxStatsRequest { PodSandboxId = "0000000000000000" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task ListPodSandboxMetrics_RunningPod_CadvisorSeriesWithTheirDescriptorsLabels()
    {
        var descriptors = (await _node.Daemon.Runtime.ListMetricDescriptorsAsync(new ListMetricDescriptorsRequest())).Descriptors.ToDictionary(d => d.Name);
        var metrics = (await _node.Daemon.Runtime.ListPodSandboxMetricsAsync(new ListPodSandboxMetricsRequest())).PodMetrics;

        var pod = Assert.Single(metrics, m => m.PodSandboxId == _podId);
        var container = Assert.Single(pod.ContainerMetrics);
        Assert.Equal(_containerId, container.ContainerId);
        var all = pod.Metrics.Concat(container.Metrics).ToList();
        Assert.All(all, m => Assert.Equal(descriptors[m.Name].LabelKeys.Count, m.LabelValues.Count));
        Assert.True(container.Metrics.Single(m => m.Name == "container_memory_working_set_bytes").Value.Value > 0);
        Assert.True(container.Metrics.Single(m => m.Name == "container_processes").Value.Value >= 1);
        Assert.Contains(pod.Metrics, m => m.Name == "container_network_receive_bytes_total" && m.LabelValues.Contains("eth0"));
        foreach (var name in new[] { "container_cpu_usage_seconds_total", "container_memory_usage_bytes", "container_memory_rss", "container_spec_memory_limit_bytes", "container_network_transmit_bytes_total" })
        {
            Assert.Contains(name, descriptors.Keys);
        }
    }

    [Fact]
    public async Task StatsVerbs_RunningContainer_TableAndJsonForContainersAndPods()
    {
        var table = await MinatoAsync("stats", "-s", "0.2");
        var json = await MinatoAsync("stats", "--pod", _podId[..12], "-o", "json", "-s", "0.2");
        var pods = await MinatoAsync("statsp", "-s", "0.2");

        Assert.Matches(@"CONTAINER\s+NAME\s+CPU %\s+MEM\s+DISK\s+INODES", table.Stdout);
        Assert.Matches(@$"{_containerId[..13]}\s+busy\s+\d+\.\d\d\s+[\d.]+[kMG]?B\s+[\d.]+[kMG]?B\s+\d+", table.Stdout);
        Assert.Contains($"\"id\": \"{_containerId}\"", json.Stdout, StringComparison.Ordinal);
        Assert.Matches(@$"{_podId[..13]}\s+{_pod.Metadata.Name}\s+\d+\.\d\d\s+[\d.]+[kMG]?B\s+\d+\s+[\d.]+[kMG]?B\s+[\d.]+[kMG]?B", pods.Stdout);
    }

    [Fact]
    public async Task LogsSince_TimeOfALaterRecordOrADuration_PrintsFromThere()
    {
        var status = (await _node.Daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = _containerId })).Status;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string[] records;
        while ((records = await File.ReadAllLinesAsync(status.LogPath)).Length < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var lateTime = records[1].Split(' ')[0];
        var fromLate = await MinatoAsync("logs", "--since", lateTime, _containerId);
        var lastHour = await MinatoAsync("logs", "--since", "1h", _containerId);
        var future = await MinatoAsync("logs", "--since", DateTimeOffset.UtcNow.AddMinutes(5).ToString("yyyy-MM-ddTHH:mm:ssZ"), _containerId);

        Assert.Equal("late\n", fromLate.Stdout);
        Assert.Equal("early\nlate\n", lastHour.Stdout);
        Assert.Equal(string.Empty, future.Stdout);
    }

    private async Task<CommandResult> MinatoAsync(params string[] args)
    {
        var result = await CommandResult.RunAsync(MinatoDaemon.Executable, [.. args, "--endpoint", _node.Daemon.Endpoint], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
