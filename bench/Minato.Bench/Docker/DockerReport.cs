using System.Globalization;
using System.Text;
using Minato.Bench.Cri.Measure;

namespace Minato.Bench.Docker;

/// <summary>The Docker bench's rows (one per workload and measurement, a cell per engine), goals and notes, as Markdown.</summary>
internal sealed class DockerReport(IReadOnlyList<string> engines)
{
    private readonly List<(string Group, string Measurement, string Unit)> _rows = [];
    private readonly Dictionary<(string Engine, string Measurement), Summary> _cells = [];
    private readonly Dictionary<(string Engine, string Measurement), string> _failures = [];
    private readonly List<string> _notes = [];

    /// <summary>Goals from the Docker API and image build issues: Minato over dockerd, same run.</summary>
    private static readonly (string Measurement, double Target)[] Goals =
    [
        ("docker run --rm IMAGE true (CLI)", 0.5), ("create + start (API)", 0.5), ("exec true, attached (API)", 1.0),
        ("one-shot stats (API)", 1.0), ("cold pull (API)", 1.0), ("daemon RSS, idle", 1.0),
        ("docker build, cold (--no-cache)", 0.7), ("docker build, warm (all steps cached)", 1.0), ("docker push, every layer uploaded (CLI)", 1.0),
    ];

    public Dictionary<string, string> Settings { get; } = [];

    public Dictionary<string, string> Versions { get; } = [];

    public void Add(string engine, string group, string measurement, string unit, IReadOnlyCollection<double> samples)
    {
        Row(group, measurement, unit);
        _cells[(engine, measurement)] = Summary.Of(samples);
    }

    public void Fail(string engine, string group, string measurement, string why)
    {
        Row(group, measurement, "ms");
        _failures[(engine, measurement)] = why.Split('\n')[0];
    }

    public void Note(string note) => _notes.Add(note);

    public string Markdown(DateTimeOffset started, TimeSpan duration)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Minato benchmark: Docker Engine API, {string.Join(" vs ", engines)}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run {started:yyyy-MM-dd HH:mm} UTC on `{Environment.MachineName}` ({Environment.ProcessorCount} cores), {duration.TotalMinutes:F1} min.");
        md.AppendLine();
        foreach (var (engine, version) in Versions)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- **{engine}**: {version}");
        }

        md.AppendLine();
        md.AppendLine("p50 (p90) over n iterations, every engine driven through the same client in an interleaved order. Lower is better.");
        md.AppendLine();
        var others = engines.Skip(1).ToList();
        md.AppendLine("| workload | measurement | unit | " + string.Join(" | ", engines.Select(e => $"{e} p50 (p90) | n")) + " | " +
            string.Join(" | ", others.Select(o => $"{engines[0]}/{o}")) + " |");
        md.AppendLine("| --- | --- | --- | " + string.Join(" | ", engines.Select(_ => "---: | ---:")) + " | " + string.Join(" | ", others.Select(_ => "---:")) + " |");
        foreach (var (group, measurement, unit) in _rows)
        {
            var cells = engines.Select(e => _cells.TryGetValue((e, measurement), out var s) ? $"{F(s.P50)} ({F(s.P90)}) | {s.N}"
                : _failures.ContainsKey((e, measurement)) ? "failed | " : "n/a | ");
            var ratios = others.Select(o => Ratio(measurement, o) is { } r ? F(r) : "");
            md.AppendLine(CultureInfo.InvariantCulture, $"| {group} | {measurement} | {unit} | {string.Join(" | ", cells)} | {string.Join(" | ", ratios)} |");
        }

        if (engines.Contains("dockerd") && engines[0] == "minato")
        {
            md.AppendLine();
            md.AppendLine("## Goals (minato/dockerd, same run)");
            md.AppendLine();
            md.AppendLine("| goal | ratio | target | verdict |");
            md.AppendLine("| --- | ---: | ---: | --- |");
            foreach (var (measurement, target) in Goals)
            {
                var ratio = Ratio(measurement, "dockerd");
                var verdict = ratio is null ? "not measured" : ratio <= target ? "met" : $"missed ({F(ratio.Value)})";
                md.AppendLine(CultureInfo.InvariantCulture, $"| {measurement} | {(ratio is { } r ? F(r) : "")} | ≤ {F(target)} | {verdict} |");
            }
        }

        var failures = _failures.Select(f => $"{f.Key.Engine}, {f.Key.Measurement}: {f.Value}").Concat(_notes).ToList();
        if (failures.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Notes");
            md.AppendLine();
            failures.ForEach(n => md.AppendLine(CultureInfo.InvariantCulture, $"- {n}"));
        }

        md.AppendLine();
        md.AppendLine("## Settings");
        md.AppendLine();
        foreach (var (key, value) in Settings)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {key}: {value}");
        }

        return md.ToString();
    }

    private double? Ratio(string measurement, string other) =>
        _cells.TryGetValue((engines[0], measurement), out var a) && _cells.TryGetValue((other, measurement), out var b) && b.P50 > 0 ? a.P50 / b.P50 : null;

    private void Row(string group, string measurement, string unit)
    {
        if (!_rows.Any(r => r.Measurement == measurement))
        {
            _rows.Add((group, measurement, unit));
        }
    }

    private static string F(double value) => value.ToString(value >= 100 ? "F0" : value >= 10 ? "F1" : "F2", CultureInfo.InvariantCulture);
}
