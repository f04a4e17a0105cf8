using Minato.Cri.Containers;
using Minato.Cri.Pods;
using Minato.Cri.Stats;
using Minato.Engine.Containers;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Linux.Namespaces;

namespace Minato.Tests.Cri.Stats;

public sealed class CadvisorMetricsTests
{
    private static readonly PodSandbox Pod = new()
    {
        Id = "pod1",
        Config = new SandboxConfig { Metadata = new SandboxMetadata("web", "uid", "shop", 0) },
        RuntimeHandler = "runc",
        Phase = SandboxPhase.Ready,
        CreatedAt = 1,
        Directory = "/run/minato/pods/pod1",
    };

    [Fact]
    public void Definitions_ContainerSeriesThenNetwork_WithCadvisorLabelKeys()
    {
        var definitions = CadvisorMetrics.Definitions;

        Assert.Equal(18, definitions.Count);
        Assert.Equal("container_cpu_usage_seconds_total", definitions[0].Name);
        Assert.Equal(["container", "id", "image", "namespace", "pod"], definitions[0].LabelKeys);
        Assert.Equal("container_network_receive_bytes_total", definitions[10].Name);
        Assert.Equal(["id", "interface", "namespace", "pod"], definitions[10].LabelKeys);
    }

    [Fact]
    public void ForPod_RunningContainer_WholeCpuSecondsAndUnlimitedMemoryAsZero()
    {
        var cgroup = new CgroupUsage(2_500_000_000, 300, 200, 100, 0, 0, null, 50, 3, 1);
        var usage = new PodSandboxUsage(Pod, 7, null, null, null, [Usage(Container(startedAt: 4_000_000_000), 9, cgroup, 4096, 2)]);

        var container = Assert.Single(CadvisorMetrics.ForPod(usage).Containers);

        var values = container.Samples.ToDictionary(s => s.Name, s => s.Value);
        Assert.Equal(2UL, values["container_cpu_usage_seconds_total"]);
        Assert.Equal(0UL, values["container_spec_memory_limit_bytes"]);
        Assert.Equal(4096UL, values["container_fs_usage_bytes"]);
        Assert.Equal(4UL, values["container_start_time_seconds"]);
        var cpu = container.Samples[0];
        Assert.Equal((9L, MetricKind.Counter), (cpu.Timestamp, cpu.Kind));
        Assert.Equal(["app", "c1", "busybox", "shop", "web"], cpu.LabelValues);
    }

    [Fact]
    public void ForPod_StoppedContainer_OnlyLayerAndStartTime()
    {
        var usage = new PodSandboxUsage(Pod, 7, null, null, null, [Usage(Container(startedAt: 0), 9, null, 10, 1)]);

        var container = Assert.Single(CadvisorMetrics.ForPod(usage).Containers);

        Assert.Equal(["container_fs_usage_bytes"], container.Samples.Select(s => s.Name));
    }

    [Fact]
    public void ForPod_Interfaces_EightCountersEachButLoopback()
    {
        var usage = new PodSandboxUsage(Pod, 7, null, null, [Counters("lo"), Counters("eth0")], []);

        var samples = CadvisorMetrics.ForPod(usage).Samples;

        Assert.Equal(8, samples.Count);
        Assert.All(samples, s => Assert.Equal(["pod1", "eth0", "shop", "web"], s.LabelValues));
        Assert.All(samples, s => Assert.Equal(MetricKind.Counter, s.Kind));
    }

    internal static InterfaceCounters Counters(string name) => new(name, 1, 2, 3, 4, 5, 6, 7, 8);

    private static PodContainerUsage Usage(PodContainer container, long timestamp, CgroupUsage? cgroup, ulong bytes, ulong inodes) =>
        new(container, new ContainerUsage(container.State, timestamp, cgroup, null, bytes, inodes));

    private static PodContainer Container(long startedAt) => new(
        new CriContainer
        {
            Id = "c1",
            PodId = Pod.Id,
            Config = new ContainerConfig { Metadata = new ContainerMetadata("app", 0), Image = new ContainerImageSpec("busybox") },
        },
        new ContainerRecord
        {
            Id = "c1",
            Owner = PodContainers.Owner,
            ImageId = "sha256:abc",
            RuntimeHandler = "runc",
            Phase = startedAt > 0 ? ContainerPhase.Running : ContainerPhase.Created,
            CreatedAt = 1,
            StartedAt = startedAt,
            BundleDirectory = "/b",
            LayerDirectory = "/l",
            LogPath = "/log",
        });
}
