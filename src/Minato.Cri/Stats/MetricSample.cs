namespace Minato.Cri.Stats;

/// <summary>How a metric's value moves: a counter only grows, a gauge goes up and down.</summary>
public enum MetricKind
{
    /// <summary>A cumulative count (bytes received, CPU seconds, OOM kills).</summary>
    Counter,

    /// <summary>A current level (memory in use, processes).</summary>
    Gauge,
}

/// <summary>One metric as the kubelet lists it: its name, what it means, and the keys of its labels.</summary>
/// <param name="Name">The cAdvisor series name, e.g. <c>container_memory_working_set_bytes</c>.</param>
/// <param name="Help">The help text shown on the kubelet's /metrics/cadvisor.</param>
/// <param name="LabelKeys">Label keys, in the order of every sample's <see cref="MetricSample.LabelValues"/>.</param>
public sealed record MetricDefinition(string Name, string Help, IReadOnlyList<string> LabelKeys);

/// <summary>One value of one metric at one moment.</summary>
/// <param name="Name">The metric's name.</param>
/// <param name="Timestamp">Unix nanoseconds when the value was read.</param>
/// <param name="Kind">Counter or gauge.</param>
/// <param name="LabelValues">Values in the order of the definition's label keys.</param>
/// <param name="Value">The value, in the metric's unit (whole seconds for CPU: the CRI carries integers only).</param>
public sealed record MetricSample(string Name, long Timestamp, MetricKind Kind, IReadOnlyList<string> LabelValues, ulong Value);

/// <summary>One container's samples.</summary>
public sealed record ContainerMetricSamples(string ContainerId, IReadOnlyList<MetricSample> Samples);

/// <summary>One pod's samples: its network per interface, and each of its containers'.</summary>
public sealed record PodMetricSamples(string PodSandboxId, IReadOnlyList<MetricSample> Samples, IReadOnlyList<ContainerMetricSamples> Containers);
