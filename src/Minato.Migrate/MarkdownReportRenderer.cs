namespace Minato.Migrate;

/// <summary>Writes the report as Markdown to paste into a ticket: headings per severity, tables, advice as quotes.</summary>
public sealed class MarkdownReportRenderer(TextWriter output)
{
    private const int RowsShown = 100;

    public void Render(MigrationReport report)
    {
        var input = report.Input;
        output.WriteLine($"# Docker removal readiness: **{FindingText.Label(report.Verdict)}**");
        output.WriteLine();
        output.WriteLine(FindingText.Summary(report));
        output.WriteLine();
        output.WriteLine("| Blockers | Warnings | Info | Nodes | Pods | Controllers | Objects |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        output.WriteLine($"| {report.Count(Severity.Blocker):N0} | {report.Count(Severity.Warning):N0} | {report.Count(Severity.Info):N0} " +
            $"| {input.Nodes:N0} | {input.Pods:N0} | {input.Controllers:N0} | {input.Objects:N0} |");
        if (FindingText.Skipped(input) is { Length: > 0 } skipped)
        {
            output.WriteLine();
            output.WriteLine($"Read {FindingText.Plural(input.Sources, "input")}; {skipped}.");
        }

        foreach (var severity in new[] { Severity.Blocker, Severity.Warning, Severity.Info })
        {
            WriteSeverity(report, severity);
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

    private void WriteSeverity(MigrationReport report, Severity severity)
    {
        var findings = report.Findings.Where(f => f.Severity == severity).ToList();
        if (findings.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine($"## {FindingText.Heading(severity)} ({findings.Count:N0})");
        foreach (var kind in findings.GroupBy(f => f.Kind))
        {
            output.WriteLine();
            output.WriteLine($"### {FindingText.Title(kind.Key)} ({kind.Count():N0})");
            foreach (var group in kind.GroupBy(f => f.Advice))
            {
                WriteGroup(group.ToList(), group.Key);
            }
        }
    }

    /// <summary>Findings that share advice as one table, then the advice as a quote.</summary>
    private void WriteGroup(List<Finding> items, string advice)
    {
        output.WriteLine();
        output.WriteLine("| Object | Evidence | Seen | Where |");
        output.WriteLine("| --- | --- | ---: | --- |");
        foreach (var finding in items.Take(RowsShown))
        {
            output.WriteLine($"| {Cell(finding.Subject.ToString())} | {Cell(finding.Evidence)} | {finding.Occurrences:N0} | `{Cell(finding.Location.ToString())}` |");
        }

        if (items.Count > RowsShown)
        {
            output.WriteLine($"| … {items.Count - RowsShown:N0} more | | | |");
        }

        output.WriteLine();
        output.WriteLine($"> **What to do:** {advice}");
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
        output.WriteLine("| Namespace | Verdict | Workloads | Blockers | Warnings |");
        output.WriteLine("| --- | --- | ---: | ---: | ---: |");
        foreach (var ns in report.Namespaces.Take(RowsShown))
        {
            output.WriteLine($"| {Cell(ns.Name)} | {FindingText.Label(ns.Verdict)} | {ns.Workloads:N0} | {ns.Blockers:N0} | {ns.Warnings:N0} |");
        }
    }

    /// <summary>Escapes what would break a table cell.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
