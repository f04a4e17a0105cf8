namespace Minato.Migrate;

/// <summary>
/// Writes the report as Markdown to paste into a ticket: a heading per severity, each flagged workload once
/// with all its findings, advice with the workload or (when shared) once, numbered. Only information is cut.
/// </summary>
public sealed class MarkdownReportRenderer(TextWriter output)
{
    private const int InfoShown = 100;
    private const int RowsShown = 100;

    public void Render(MigrationReport report)
    {
        var input = report.Input;
        output.WriteLine($"# Docker removal readiness: **{FindingText.Label(report.Verdict)}**");
        output.WriteLine();
        output.WriteLine(FindingText.Summary(report));
        output.WriteLine();
        output.WriteLine($"{FindingText.WorkloadLine(report)}.");
        if (FindingText.NodeLine(report) is { } nodes)
        {
            output.WriteLine();
            output.WriteLine($"{nodes}.");
        }

        output.WriteLine();
        output.WriteLine("| Workloads | Blockers | Actions | Info | Nodes | Pods | Controllers | Objects |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        output.WriteLine($"| {input.Workloads:N0} | {report.Count(Severity.Blocker):N0} | {report.Count(Severity.Action):N0} | {report.Count(Severity.Info):N0} " +
            $"| {input.Nodes:N0} | {input.Pods:N0} | {input.Controllers:N0} | {input.Objects:N0} |");
        if (FindingText.Skipped(input) is { Length: > 0 } skipped)
        {
            output.WriteLine();
            output.WriteLine($"Read {FindingText.Plural(input.Sources, "input")}; {skipped}.");
        }

        foreach (var error in report.Errors)
        {
            output.WriteLine();
            output.WriteLine($"**Could not read** `{Cell(error.ToString())}`; everything else was analysed.");
        }

        var shown = report.Workloads.Where(w => w.Severity != Severity.Info)
            .Concat(report.Workloads.Where(w => w.Severity == Severity.Info).Take(InfoShown)).ToList();
        var numbers = FindingText.AdviceNumbers(shown);
        foreach (var severity in new[] { Severity.Blocker, Severity.Action, Severity.Info })
        {
            WriteSeverity(report, severity, numbers);
        }

        if (numbers.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("## What to do");
            output.WriteLine();
            foreach (var (advice, number) in numbers)
            {
                output.WriteLine($"{number}. **{FindingText.Title(FindingText.KindOf(advice, shown))}:** {advice}");
            }
        }

        WriteNodes(report);
        WriteNamespaces(report);
        output.WriteLine();
        output.WriteLine("## No action needed");
        output.WriteLine();
        foreach (var note in report.NoActionNeeded)
        {
            output.WriteLine($"- {note}");
        }
    }

    private void WriteSeverity(MigrationReport report, Severity severity, Dictionary<string, int> numbers)
    {
        var units = report.Workloads.Where(w => w.Severity == severity).ToList();
        if (units.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine($"## {FindingText.Heading(severity)} ({units.Count:N0})");
        foreach (var unit in severity == Severity.Info ? units.Take(InfoShown) : units)
        {
            output.WriteLine();
            output.WriteLine($"### {unit.Subject} (`{Cell(unit.Location.ToString())}`)");
            output.WriteLine();
            foreach (var finding in unit.Findings)
            {
                var seen = finding.Occurrences > 1 ? $" (seen {finding.Occurrences:N0} times)" : "";
                var note = numbers.TryGetValue(finding.Advice, out var number) ? $" — see {number}" : "";
                output.WriteLine($"- **{FindingText.Word(finding.Severity)}** {FindingText.Title(finding.Kind)}: {finding.Evidence}{seen}{note}");
            }

            foreach (var advice in unit.Findings.Select(f => f.Advice).Distinct(StringComparer.Ordinal).Where(a => !numbers.ContainsKey(a)))
            {
                output.WriteLine();
                output.WriteLine($"> **What to do:** {advice}");
            }
        }

        if (severity == Severity.Info && units.Count > InfoShown)
        {
            output.WriteLine();
            output.WriteLine($"… and {units.Count - InfoShown:N0} more (-o json lists all)");
        }
    }

    private void WriteNodes(MigrationReport report)
    {
        if (report.Nodes.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine($"## Nodes ({report.Nodes.Count:N0})");
        output.WriteLine();
        output.WriteLine("| Verdict | Runtime | Kubelet | Nodes |");
        output.WriteLine("| --- | --- | --- | --- |");
        foreach (var (verdict, runtime, kubelet, names) in FindingText.NodeGroups(report))
        {
            output.WriteLine($"| {FindingText.Label(verdict)} | `{Cell(runtime)}` | {Cell(kubelet)} | {names.Count:N0}: {Cell(FindingText.Names(names, 10))} |");
        }
    }

    private void WriteNamespaces(MigrationReport report)
    {
        if (report.Namespaces.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine($"## Namespaces ({report.Namespaces.Count:N0})");
        output.WriteLine();
        output.WriteLine("| Namespace | Verdict | Workloads | Blockers | Actions | Info |");
        output.WriteLine("| --- | --- | ---: | ---: | ---: | ---: |");
        foreach (var ns in report.Namespaces.Take(RowsShown))
        {
            output.WriteLine($"| {Cell(ns.Name)} | {FindingText.Label(ns.Verdict)} | {ns.Workloads:N0} | {ns.Blockers:N0} | {ns.Actions:N0} | {ns.Info:N0} |");
        }
    }

    /// <summary>Escapes what would break a table cell.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
