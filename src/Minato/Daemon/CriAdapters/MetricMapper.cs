using Minato.Cri.Api.V1;
using Minato.Cri.Stats;

namespace Minato.Daemon.CriAdapters;

/// <summary>Maps the cAdvisor catalogue and its samples (<see cref="CadvisorMetrics"/>) to the CRI's metric messages.</summary>
internal static class MetricMapper
{
    public static MetricDescriptor ToDescriptor(MetricDefinition definition)
    {
        var descriptor = new MetricDescriptor { Name = definition.Name, Help = definition.Help };
        descriptor.LabelKeys.AddRange(definition.LabelKeys);
        return descriptor;
    }

    public static PodSandboxMetrics ToProto(PodMetricSamples pod)
    {
        var metrics = new PodSandboxMetrics { PodSandboxId = pod.PodSandboxId };
        metrics.Metrics.AddRange(pod.Samples.Select(ToProto));
        metrics.ContainerMetrics.AddRange(pod.Containers.Select(c =>
        {
            var container = new ContainerMetrics { ContainerId = c.ContainerId };
            container.Metrics.AddRange(c.Samples.Select(ToProto));
            return container;
        }));
        return metrics;
    }

    private static Metric ToProto(MetricSample sample)
    {
        var metric = new Metric
        {
            Name = sample.Name,
            Timestamp = sample.Timestamp,
            MetricType = sample.Kind == MetricKind.Counter ? MetricType.Counter : MetricType.Gauge,
            Value = new UInt64Value { Value = sample.Value },
        };
        metric.LabelValues.AddRange(sample.LabelValues);
        return metric;
    }
}
