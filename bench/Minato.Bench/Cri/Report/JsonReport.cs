using System.Text.Json;

namespace Minato.Bench.Cri.Report;

/// <summary>The machine-readable report: run info, every row with each runtime's summary and raw samples, goals, notes.</summary>
internal static class JsonReport
{
    public static void Write(BenchResults results, string path)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var info = results.Info;
        json.WriteStartObject();
        json.WriteString("started", info.Started);
        json.WriteNumber("durationSeconds", Math.Round(info.Duration.TotalSeconds, 1));
        json.WriteString("host", info.Host);
        json.WriteString("kernel", info.Kernel);
        json.WriteNumber("cores", info.Cores);
        json.WriteBoolean("quick", info.Quick);
        json.WriteNumber("seed", info.Seed);
        WriteMap(json, "runtimes", info.RuntimeVersions);
        WriteMap(json, "settings", info.Settings);
        json.WriteStartArray("rows");
        foreach (var row in results.Rows)
        {
            json.WriteStartObject();
            json.WriteString("workload", row.Workload);
            json.WriteString("name", row.Name);
            json.WriteString("kind", row.Kind == RowKind.Latency ? "latency" : "total");
            json.WriteString("unit", row.Unit);
            if (Goals.Ratio(row, results.Runtimes) is { } ratio)
            {
                json.WriteNumber("ratio", Math.Round(ratio, 4));
            }

            json.WriteStartObject("results");
            foreach (var (runtime, cell) in row.Cells)
            {
                WriteCell(json, runtime, cell);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("goals");
        foreach (var (goal, ratio, verdict) in Goals.Judge(results))
        {
            json.WriteStartObject();
            json.WriteString("goal", goal.Title);
            json.WriteNumber("maxRatio", goal.MaxRatio);
            if (ratio is { } r)
            {
                json.WriteNumber("ratio", Math.Round(r, 4));
            }

            json.WriteString("verdict", verdict);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("notes");
        foreach (var note in results.Notes)
        {
            json.WriteStringValue(note);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCell(Utf8JsonWriter json, string runtime, Cell cell)
    {
        json.WriteStartObject(runtime);
        if (cell.Summary is { } s)
        {
            json.WriteNumber("n", s.N);
            json.WriteNumber("mean", Math.Round(s.Mean, 4));
            json.WriteNumber("min", Math.Round(s.Min, 4));
            json.WriteNumber("p50", Math.Round(s.P50, 4));
            json.WriteNumber("p90", Math.Round(s.P90, 4));
            json.WriteNumber("p99", Math.Round(s.P99, 4));
            json.WriteNumber("max", Math.Round(s.Max, 4));
            json.WriteStartArray("samples");
            foreach (var sample in cell.Samples)
            {
                json.WriteNumberValue(Math.Round(sample, 4));
            }

            json.WriteEndArray();
        }

        if (cell.NotSupported is { } reason)
        {
            json.WriteString("notSupported", reason);
        }

        if (cell.Error is { } error)
        {
            json.WriteString("error", error);
        }

        json.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string> map)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }
}
