using System.Globalization;
using System.Text;

namespace Minato.Bench.Cri.Report;

/// <summary>The human report: settings, the table with a ratio per row, the goals, what is not supported, notes, plots.</summary>
internal static class MarkdownReport
{
    /// <summary>Renders the report; plot links are written relative to <paramref name="linkBase"/>, the report's directory.</summary>
    public static string Render(BenchResults results, IReadOnlyDictionary<string, string> plots, string linkBase)
    {
        var info = results.Info;
        var runtimes = results.Runtimes;
        var md = new StringBuilder();
        md.AppendLine("# Minato benchmark" + (runtimes.Count > 1 ? ": " + string.Join(" vs ", runtimes) : string.Empty));
        md.AppendLine();
        var quick = info.Quick ? ", **quick mode** (smoke run: few iterations, numbers not meaningful)" : string.Empty;
        md.AppendLine(Inv($"Run {info.Started:yyyy-MM-dd HH:mm} UTC on `{info.Host}` ({info.Cores} cores, Linux {info.Kernel}), {info.Duration.TotalMinutes:F1} min{quick}, interleaving seed {info.Seed}."));
        md.AppendLine();
        foreach (var (name, version) in info.RuntimeVersions)
        {
            md.AppendLine(Inv($"- **{name}**: {version}"));
        }

        md.AppendLine();
        AppendTable(md, results);
        AppendGoals(md, results);
        AppendProblems(md, results);
        if (results.Notes.Count > 0)
        {
            md.AppendLine("## Notes").AppendLine();
            foreach (var note in results.Notes)
            {
                md.AppendLine(Inv($"- {note}"));
            }

            md.AppendLine();
        }

        md.AppendLine("## Settings").AppendLine();
        foreach (var (key, value) in info.Settings)
        {
            md.AppendLine(Inv($"- {key}: {value}"));
        }

        md.AppendLine();
        if (plots.Count > 0)
        {
            md.AppendLine("## Latency distributions").AppendLine();
            foreach (var (title, path) in plots)
            {
                md.AppendLine(Inv($"![{title}]({Path.GetRelativePath(linkBase, path).Replace('\\', '/')})"));
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    private static void AppendTable(StringBuilder md, BenchResults results)
    {
        var runtimes = results.Runtimes;
        md.AppendLine("Latencies are p50 / p90 / p99 over n iterations; totals (†) are the median of n runs. Lower is better.");
        md.AppendLine();
        md.Append("| workload | measurement | unit |");
        foreach (var r in runtimes)
        {
            md.Append(Inv($" {r} p50 | p90 | p99 | n |"));
        }

        md.AppendLine(runtimes.Count > 1 ? Inv($" {runtimes[0]}/{runtimes[1]} |") : string.Empty);
        md.Append("| --- | --- | --- |");
        md.Append(string.Concat(Enumerable.Repeat(" ---: | ---: | ---: | ---: |", runtimes.Count)));
        md.AppendLine(runtimes.Count > 1 ? " ---: |" : string.Empty);
        foreach (var row in results.Rows)
        {
            md.Append(Inv($"| {row.Workload} | {row.Name}{(row.Kind == RowKind.Total ? " †" : string.Empty)} | {row.Unit} |"));
            foreach (var r in runtimes)
            {
                var cell = row.Cells.GetValueOrDefault(r);
                md.Append(cell switch
                {
                    { Summary: { } s } when row.Kind == RowKind.Latency => Inv($" {Number(s.P50)} | {Number(s.P90)} | {Number(s.P99)} | {s.N} |"),
                    { Summary: { } s } => Inv($" {Number(s.P50)} | | | {s.N} |"),
                    { NotSupported: not null } => " not supported | | | |",
                    { Error: not null } => " failed | | | |",
                    _ => " – | | | |",
                });
            }

            md.AppendLine(runtimes.Count > 1 ? (Goals.Ratio(row, runtimes) is { } ratio ? Inv($" {ratio:F2} |") : " – |") : string.Empty);
        }

        md.AppendLine();
    }

    private static void AppendGoals(StringBuilder md, BenchResults results)
    {
        md.AppendLine(Inv($"## Goals ({(results.Runtimes.Count > 1 ? $"{results.Runtimes[0]}/{results.Runtimes[1]}" : "ratio")}, same run)")).AppendLine();
        md.AppendLine("| goal | ratio | target | verdict |").AppendLine("| --- | ---: | ---: | --- |");
        var behind = new List<string>();
        var unjudged = new List<string>();
        foreach (var (goal, ratio, verdict) in Goals.Judge(results))
        {
            md.AppendLine(Inv($"| {goal.Title} | {(ratio is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) : "–")} | ≤ {goal.MaxRatio:F2} | {verdict} |"));
            if (verdict.StartsWith("missed", StringComparison.Ordinal))
            {
                behind.Add(goal.Title);
            }
            else if (!verdict.StartsWith("met", StringComparison.Ordinal))
            {
                unjudged.Add(goal.Title);
            }
        }

        md.AppendLine();
        if (results.Runtimes.Count > 1)
        {
            var first = results.Runtimes[0];
            md.AppendLine(behind.Count == 0
                ? Inv($"**{first} is behind on none of the goals it could be measured on.**")
                : Inv($"**{first} is behind on {behind.Count} of {Goals.All.Count} goals: {string.Join(", ", behind)}.**"));
            var slower = results.Rows.Select(r => (Row: r, Ratio: Goals.Ratio(r, results.Runtimes))).Where(x => x.Ratio > 1).ToList();
            if (slower.Count > 0)
            {
                var list = string.Join(", ", slower.Select(x => Inv($"{x.Row.Workload} {x.Row.Name} ({x.Ratio:F2}x)")));
                md.AppendLine().AppendLine(Inv($"**Rows where {first} is slower or larger than {results.Runtimes[1]}:** {list}."));
            }

            if (unjudged.Count > 0)
            {
                md.AppendLine().AppendLine(Inv($"**Not judged in this run ({unjudged.Count} of {Goals.All.Count}): {string.Join(", ", unjudged)}** (see below for why)."));
            }

            md.AppendLine();
        }
    }

    private static void AppendProblems(StringBuilder md, BenchResults results)
    {
        var problems = results.Rows.SelectMany(row => row.Cells.Where(c => c.Value.NotSupported is not null || c.Value.Error is not null)
            .Select(c => (row, runtime: c.Key, cell: c.Value))).ToList();
        if (problems.Count == 0)
        {
            return;
        }

        md.AppendLine("## Not supported and failed").AppendLine();
        foreach (var group in problems.GroupBy(p => (p.runtime, p.row.Workload, Reason: p.cell.NotSupported ?? p.cell.Error)))
        {
            var kind = group.First().cell.NotSupported is not null ? "not supported" : "failed";
            md.AppendLine(Inv($"- **{group.Key.runtime}**, {group.Key.Workload} ({string.Join("; ", group.Select(g => g.row.Name))}): {kind}. {group.Key.Reason}"));
        }

        md.AppendLine();
    }

    private static string Number(double value) => value switch
    {
        < 10 => value.ToString("F2", CultureInfo.InvariantCulture),
        < 100 => value.ToString("F1", CultureInfo.InvariantCulture),
        _ => value.ToString("F0", CultureInfo.InvariantCulture),
    };

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
