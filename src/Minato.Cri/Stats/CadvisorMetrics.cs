using Minato.Cri.Containers;
using Minato.Engine.Linux.Namespaces;

namespace Minato.Cri.Stats;

/// <summary>The cAdvisor-named metrics Minato serves through ListPodSandboxMetrics, for the kubelet's /metrics/cadvisor.</summary>
/// <remarks>
/// With PodAndContainerStatsFromCRI the kubelet stops running cAdvisor for containers and republishes these instead, so
/// the set is what the usual dashboards and alerts (kube-prometheus, the Kubernetes mixin) query: CPU time, the memory
/// series the eviction and OOM alerts use, the limit they compare against, OOM kills, tasks, the writable layer, start
/// time, and the pod's network per interface. The names, types and label keys are cAdvisor's so queries keep working.
/// CRI metric values are integers: CPU seconds are whole seconds (the CRI cannot carry fractions).
/// </remarks>
public static class CadvisorMetrics
{
    private static readonly string[] ContainerKeys = ["container", "id", "image", "namespace", "pod"];
    private static readonly string[] NetworkKeys = ["id", "interface", "namespace", "pod"];

    private static readonly ContainerMetric[] Containers =
    [
        new("container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.", MetricKind.Counter, u => u.Usage?.CpuNanoseconds / 1_000_000_000),
        new("container_memory_usage_bytes", "Current memory usage in bytes, including all memory regardless of when it was accessed.", MetricKind.Gauge, u => u.Usage?.MemoryUsageBytes),
        new("container_memory_working_set_bytes", "Current working set in bytes.", MetricKind.Gauge, u => u.Usage?.WorkingSetBytes),
        new("container_memory_rss", "Size of RSS in bytes.", MetricKind.Gauge, u => u.Usage?.RssBytes),
        new("container_memory_cache", "Number of bytes of page cache memory.", MetricKind.Gauge, u => u.Usage?.CacheBytes),
        new("container_spec_memory_limit_bytes", "Memory limit for the container.", MetricKind.Gauge, u => u.Usage is null ? null : u.Usage.MemoryLimitBytes ?? 0),
        new("container_oom_events_total", "Count of out of memory events observed for the container.", MetricKind.Counter, u => u.Usage?.OomKills),
        new("container_processes", "Number of tasks (pids.current) running inside the container.", MetricKind.Gauge, u => u.Usage?.Processes),
        new("container_fs_usage_bytes", "Number of bytes that are consumed by the container's writable layer.", MetricKind.Gauge, u => u.LayerBytes),
        new("container_start_time_seconds", "Start time of the container since unix epoch in seconds.", MetricKind.Gauge, u => u.Container.StartedAt > 0 ? (ulong)(u.Container.StartedAt / 1_000_000_000) : null),
    ];

    private static readonly NetworkMetric[] Network =
    [
        new("container_network_receive_bytes_total", "Cumulative count of bytes received.", i => i.RxBytes),
        new("container_network_transmit_bytes_total", "Cumulative count of bytes transmitted.", i => i.TxBytes),
        new("container_network_receive_errors_total", "Cumulative count of errors encountered while receiving.", i => i.RxErrors),
        new("container_network_transmit_errors_total", "Cumulative count of errors encountered while transmitting.", i => i.TxErrors),
        new("container_network_receive_packets_total", "Cumulative count of packets received.", i => i.RxPackets),
        new("container_network_transmit_packets_total", "Cumulative count of packets transmitted.", i => i.TxPackets),
        new("container_network_receive_packets_dropped_total", "Cumulative count of packets dropped while receiving.", i => i.RxDropped),
        new("container_network_transmit_packets_dropped_total", "Cumulative count of packets dropped while transmitting.", i => i.TxDropped),
    ];

    /// <summary>Every metric served: the container series first, then the pod's network series.</summary>
    public static IReadOnlyList<MetricDefinition> Definitions { get; } =
        [.. Containers.Select(m => new MetricDefinition(m.Name, m.Help, ContainerKeys)), .. Network.Select(m => new MetricDefinition(m.Name, m.Help, NetworkKeys))];

    /// <summary>The samples of one pod: network counters per interface but loopback, and each container's values that were read.</summary>
    public static PodMetricSamples ForPod(PodSandboxUsage usage)
    {
        var pod = usage.Pod;
        var samples = new List<MetricSample>();
        foreach (var counters in PodInterfaces.Reported(usage.Interfaces ?? []))
        {
            string[] labels = [pod.Id, counters.Name, pod.Config.Metadata.Namespace, pod.Config.Metadata.Name];
            samples.AddRange(Network.Select(m => new MetricSample(m.Name, usage.Timestamp, MetricKind.Counter, labels, m.Value(counters))));
        }

        var containers = new List<ContainerMetricSamples>();
        foreach (var container in usage.Containers)
        {
            var record = container.Container;
            string[] labels = [record.Config.Metadata.Name, record.Id, record.Config.Image.Image, pod.Config.Metadata.Namespace, pod.Config.Metadata.Name];
            var values = new List<MetricSample>();
            foreach (var metric in Containers)
            {
                if (metric.Value(container) is { } value)
                {
                    values.Add(new MetricSample(metric.Name, container.Timestamp, metric.Kind, labels, value));
                }
            }

            containers.Add(new ContainerMetricSamples(record.Id, values));
        }

        return new PodMetricSamples(pod.Id, samples, containers);
    }

    private sealed record ContainerMetric(string Name, string Help, MetricKind Kind, Func<PodContainerUsage, ulong?> Value);

    private sealed record NetworkMetric(string Name, string Help, Func<InterfaceCounters, ulong> Value);
}
