using Minato.Cri.Api.V1;
using Minato.Cri.Containers;
using Minato.Engine.Linux.Namespaces;

namespace Minato.Daemon;

/// <summary>The cAdvisor-named metrics Minato serves through ListPodSandboxMetrics, for the kubelet's /metrics/cadvisor.</summary>
/// <remarks>
/// With PodAndContainerStatsFromCRI the kubelet stops running cAdvisor for containers and republishes these instead, so
/// the set is what the usual dashboards and alerts (kube-prometheus, the Kubernetes mixin) query: CPU time, the memory
/// series the eviction and OOM alerts use, the limit they compare against, OOM kills, tasks, the writable layer, start
/// time, and the pod's network per interface. The names, types and label keys are cAdvisor's so queries keep working.
/// CRI metric values are integers: CPU seconds are whole seconds (the CRI cannot carry fractions).
/// </remarks>
internal static class CadvisorMetrics
{
    private static readonly string[] ContainerKeys = ["container", "id", "image", "namespace", "pod"];
    private static readonly string[] NetworkKeys = ["id", "interface", "namespace", "pod"];

    private static readonly ContainerMetric[] Containers =
    [
        new("container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.", MetricType.Counter, u => u.Usage?.CpuNanoseconds / 1_000_000_000),
        new("container_memory_usage_bytes", "Current memory usage in bytes, including all memory regardless of when it was accessed.", MetricType.Gauge, u => u.Usage?.MemoryUsageBytes),
        new("container_memory_working_set_bytes", "Current working set in bytes.", MetricType.Gauge, u => u.Usage?.WorkingSetBytes),
        new("container_memory_rss", "Size of RSS in bytes.", MetricType.Gauge, u => u.Usage?.RssBytes),
        new("container_memory_cache", "Number of bytes of page cache memory.", MetricType.Gauge, u => u.Usage?.CacheBytes),
        new("container_spec_memory_limit_bytes", "Memory limit for the container.", MetricType.Gauge, u => u.Usage is null ? null : u.Usage.MemoryLimitBytes ?? 0),
        new("container_oom_events_total", "Count of out of memory events observed for the container.", MetricType.Counter, u => u.Usage?.OomKills),
        new("container_processes", "Number of tasks (pids.current) running inside the container.", MetricType.Gauge, u => u.Usage?.Processes),
        new("container_fs_usage_bytes", "Number of bytes that are consumed by the container's writable layer.", MetricType.Gauge, u => u.LayerBytes),
        new("container_start_time_seconds", "Start time of the container since unix epoch in seconds.", MetricType.Gauge, u => u.Container.StartedAt > 0 ? (ulong)(u.Container.StartedAt / 1_000_000_000) : null),
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

    public static IEnumerable<MetricDescriptor> Descriptors() =>
        Containers.Select(m => Descriptor(m.Name, m.Help, ContainerKeys)).Concat(Network.Select(m => Descriptor(m.Name, m.Help, NetworkKeys)));

    public static PodSandboxMetrics ForPod(PodSandboxUsage usage)
    {
        var pod = usage.Pod;
        var metrics = new PodSandboxMetrics { PodSandboxId = pod.Id };
        foreach (var counters in (usage.Interfaces ?? []).Where(i => i.Name != "lo"))
        {
            string[] labels = [pod.Id, counters.Name, pod.Config.Metadata.Namespace, pod.Config.Metadata.Name];
            metrics.Metrics.AddRange(Network.Select(m => Sample(m.Name, usage.Timestamp, MetricType.Counter, labels, m.Value(counters))));
        }

        foreach (var container in usage.Containers)
        {
            var record = container.Container;
            string[] labels = [record.Config.Metadata.Name, record.Id, record.Config.Image.Image, pod.Config.Metadata.Namespace, pod.Config.Metadata.Name];
            var item = new ContainerMetrics { ContainerId = record.Id };
            foreach (var metric in Containers)
            {
                if (metric.Value(container) is { } value)
                {
                    item.Metrics.Add(Sample(metric.Name, container.Timestamp, metric.Type, labels, value));
                }
            }

            metrics.ContainerMetrics.Add(item);
        }

        return metrics;
    }

    private static MetricDescriptor Descriptor(string name, string help, string[] keys)
    {
        var descriptor = new MetricDescriptor { Name = name, Help = help };
        descriptor.LabelKeys.AddRange(keys);
        return descriptor;
    }

    private static Metric Sample(string name, long timestamp, MetricType type, string[] labels, ulong value)
    {
        var metric = new Metric { Name = name, Timestamp = timestamp, MetricType = type, Value = new UInt64Value { Value = value } };
        metric.LabelValues.AddRange(labels);
        return metric;
    }

    private sealed record ContainerMetric(string Name, string Help, MetricType Type, Func<ContainerUsage, ulong?> Value);

    private sealed record NetworkMetric(string Name, string Help, Func<InterfaceCounters, ulong> Value);
}
