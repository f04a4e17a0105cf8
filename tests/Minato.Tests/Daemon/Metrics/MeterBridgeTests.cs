using System.Diagnostics.Metrics;
using Minato.Daemon.Metrics;
using Minato.Testing.Metrics;
using Prometheus;

namespace Minato.Tests.Daemon.Metrics;

public sealed class MeterBridgeTests : IDisposable
{
    // A meter of the test's own, so that parallel tests recording into Minato's meters do not disturb the figures.
    private readonly Meter _meter = new("Minato.Tests.MeterBridge." + Guid.NewGuid().ToString("N"));
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();

    public void Dispose() => _meter.Dispose();

    [Fact]
    public async Task Counter_Recorded_ExportedAsPrometheusCounterWithItsLabels()
    {
        var counter = _meter.CreateCounter<long>("t_calls_total", description: "Calls.");
        using var bridge = new MeterBridge(_registry, _meter.Name);

        counter.Add(2, new("method", "Version"), new("code", "OK"));
        counter.Add(1, new("code", "OK"), new("method", "Version"));
        counter.Add(1, new("method", "Status"), new("code", "NotFound"));

        var family = (await ScrapeAsync())["t_calls_total"];
        Assert.Equal("counter", family.Type);
        Assert.Equal(3, family.Samples.Single(s => s.Has(("method", "Version"), ("code", "OK"))).Value);
        Assert.Equal(1, family.Samples.Single(s => s.Has(("method", "Status"), ("code", "NotFound"))).Value);
    }

    [Fact]
    public async Task Histogram_InSeconds_ExportedWithBucketsSumAndCount()
    {
        var histogram = _meter.CreateHistogram<double>("t_duration_seconds", "s", "Durations.");
        using var bridge = new MeterBridge(_registry, _meter.Name);

        histogram.Record(0.2, new KeyValuePair<string, object?>("operation", "ADD"));
        histogram.Record(3, new KeyValuePair<string, object?>("operation", "ADD"));

        var family = (await ScrapeAsync())["t_duration_seconds"];
        Assert.Equal("histogram", family.Type);
        Assert.Equal(2, family.Samples.Single(s => s.Name == "t_duration_seconds_count").Value);
        Assert.Equal(3.2, family.Samples.Single(s => s.Name == "t_duration_seconds_sum").Value, 6);
        Assert.Equal(1, family.Samples.Single(s => s.Name == "t_duration_seconds_bucket" && s.Has(("le", "0.25"))).Value);
    }

    [Fact]
    public async Task UpDownCounter_GoesUpAndDown_ExportedAsGauge()
    {
        var open = _meter.CreateUpDownCounter<long>("t_sessions");
        using var bridge = new MeterBridge(_registry, _meter.Name);

        open.Add(1, new KeyValuePair<string, object?>("kind", "exec"));
        open.Add(1, new KeyValuePair<string, object?>("kind", "exec"));
        open.Add(-1, new KeyValuePair<string, object?>("kind", "exec"));

        var family = (await ScrapeAsync())["t_sessions"];
        Assert.Equal("gauge", family.Type);
        Assert.Equal(1, Assert.Single(family.Samples).Value);
    }

    [Fact]
    public async Task Measurement_WithOtherTagsThanTheFirst_Dropped()
    {
        var counter = _meter.CreateCounter<long>("t_odd_total");
        using var bridge = new MeterBridge(_registry, _meter.Name);

        counter.Add(1, new KeyValuePair<string, object?>("a", "1"));
        counter.Add(1, new KeyValuePair<string, object?>("b", "1"));

        Assert.Equal(1, Assert.Single((await ScrapeAsync())["t_odd_total"].Samples).Value);
    }

    [Fact]
    public async Task OtherMeters_NotBridged()
    {
        using var other = new Meter("Minato.Tests.Other." + Guid.NewGuid().ToString("N"));
        var counter = other.CreateCounter<long>("t_other_total");
        using var bridge = new MeterBridge(_registry, _meter.Name);

        counter.Add(1);

        Assert.False((await ScrapeAsync()).ContainsKey("t_other_total"));
    }

    private async Task<IReadOnlyDictionary<string, PrometheusFamily>> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(stream);
        return PrometheusText.Parse(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
