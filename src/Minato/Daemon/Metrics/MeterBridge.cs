using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Prometheus;

namespace Minato.Daemon.Metrics;

/// <summary>Forwards the measurements of Minato's meters into a prometheus-net registry, keeping Prometheus types.</summary>
/// <remarks>
/// Why not prometheus-net's own <c>MeterAdapter</c>: it publishes every .NET counter as a Prometheus gauge (so
/// <c>rate()</c> and the <c>_total</c> convention do not apply), prefixes names with the meter's name, and forgets a
/// series after five idle minutes, so a rare event such as an OOM kill would vanish from the scrape. Minato's instruments
/// already carry their Prometheus names and fixed label sets, so this bridge maps each one to the prometheus-net metric
/// of its kind: Counter to counter, UpDownCounter to gauge, Histogram to histogram. The exposition is prometheus-net's.
/// </remarks>
internal sealed class MeterBridge : IDisposable
{
    private static readonly double[] SecondsBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private readonly MeterListener _listener = new();
    private readonly MetricFactory _factory;
    private readonly HashSet<string> _meters;
    private readonly ConcurrentDictionary<Instrument, Collector> _metrics = new();

    /// <summary>Starts listening to the meters named <paramref name="meters"/>; metrics are created in <paramref name="registry"/>.</summary>
    public MeterBridge(CollectorRegistry registry, params string[] meters)
    {
        _factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _meters = meters.ToHashSet(StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // The label names are the tags of the first measurement; every caller records an instrument with the same tags.
        var metric = _metrics.TryGetValue(instrument, out var known) ? known : _metrics.GetOrAdd(instrument, Create(instrument, tags));
        var values = new string[tags.Length];
        var names = metric.LabelNames;
        for (var i = 0; i < tags.Length; i++)
        {
            var at = Array.IndexOf(names, tags[i].Key);
            if (at < 0 || tags.Length != names.Length)
            {
                // A measurement with other tags than the first would be a programming error; drop it rather than throw
                // from inside the instrument (which would disable it).
                return;
            }

            values[at] = tags[i].Value?.ToString() ?? "";
        }

        switch (metric)
        {
            case Counter counter:
                counter.WithLabels(values).Inc(value);
                break;
            case Gauge gauge:
                gauge.WithLabels(values).Inc(value);
                break;
            case Histogram histogram:
                histogram.WithLabels(values).Observe(value);
                break;
        }
    }

    private Collector Create(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            labels[i] = tags[i].Key;
        }

        Array.Sort(labels, StringComparer.Ordinal);
        var help = instrument.Description ?? instrument.Name;
        return instrument switch
        {
            Counter<long> or Counter<double> => _factory.CreateCounter(instrument.Name, help, labels),
            Histogram<long> or Histogram<double> => _factory.CreateHistogram(instrument.Name, help, labels, new HistogramConfiguration
            {
                Buckets = instrument.Unit == "By" ? Histogram.ExponentialBuckets(1024, 4, 12) : SecondsBuckets,
            }),
            _ => _factory.CreateGauge(instrument.Name, help, labels),
        };
    }
}
