using Minato.Bench.Cri.Measure;

namespace Minato.Bench.Cri.Report;

/// <summary>How a row is read: a latency distribution (p50/p90/p99) or a total (a batch's duration, an amount of memory)
/// that is compared at its median when repeated.</summary>
public enum RowKind
{
    Latency,
    Total,
}

/// <summary>One runtime's outcome for a row: its samples and their summary, or why there are none.</summary>
public sealed record Cell(IReadOnlyList<double> Samples, Summary? Summary, string? NotSupported, string? Error)
{
    public static Cell FromSamples(IReadOnlyList<double> samples) =>
        samples.Count == 0 ? Failed("no samples") : new(samples, Summary.Of(samples), null, null);

    public static Cell Unsupported(string reason) => new([], null, reason, null);

    public static Cell Failed(string error) => new([], null, null, error);

    /// <summary>The number the ratio compares: the median (of latencies, or of repeated totals).</summary>
    public double? Headline => Summary?.P50;
}

/// <summary>One line of the report: a workload's measurement with a cell per runtime.</summary>
public sealed record Row(string Workload, string Name, RowKind Kind, string Unit, IReadOnlyDictionary<string, Cell> Cells)
{
    public string Id => $"{Workload}/{Name}";
}

/// <summary>Everything a run produced, in the order the workloads ran.</summary>
public sealed class BenchResults(IReadOnlyList<string> runtimes, BenchRunInfo info)
{
    private readonly List<Row> _rows = [];
    private readonly List<string> _notes = [];

    public IReadOnlyList<string> Runtimes { get; } = runtimes;

    public BenchRunInfo Info { get; } = info;

    public IReadOnlyList<Row> Rows => _rows;

    /// <summary>Oddities seen while running (a runtime's warning, a cleanup that needed force), printed under the table.</summary>
    public IReadOnlyList<string> Notes => _notes;

    public void Add(Row row)
    {
        lock (_rows)
        {
            _rows.Add(row);
        }
    }

    public void Note(string note)
    {
        lock (_notes)
        {
            _notes.Add(note);
        }
    }
}

/// <summary>What the run was: when, where, with which settings and runtime versions.</summary>
public sealed class BenchRunInfo
{
    public required DateTimeOffset Started { get; init; }

    public required string Host { get; init; }

    public required string Kernel { get; init; }

    public required int Cores { get; init; }

    public required bool Quick { get; init; }

    public required int Seed { get; init; }

    /// <summary>Runtime name to what its CRI <c>Version</c> answered.</summary>
    public Dictionary<string, string> RuntimeVersions { get; } = [];

    /// <summary>Counts and sizes the workloads used.</summary>
    public Dictionary<string, string> Settings { get; } = [];

    public TimeSpan Duration { get; set; }
}
