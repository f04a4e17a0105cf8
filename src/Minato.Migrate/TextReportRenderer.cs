using System.Text;

namespace Minato.Migrate;

/// <summary>
/// Writes the report for a person at a terminal: verdict first, findings grouped by severity and kind with
/// the advice once per group, then nodes and namespaces. Long groups are cut (-o json has everything).
/// </summary>
public sealed class TextReportRenderer(TextWriter output, bool color)
{
    private const int Width = 100;
    private const int FindingsShown = 10;
    private const int NamespacesShown = 30;

    public void Render(MigrationReport report)
    {
        WriteSummary(report);
        foreach (var severity in new[] { Severity.Blocker, Severity.Warning, Severity.Info })
        {
            WriteSeverity(report, severity);
        }

        WriteNodes(report);
        WriteNamespaces(report);
        output.WriteLine();
        output.WriteLine(Bold("No action needed"));
        foreach (var note in report.NoActionNeeded)
        {
            WriteWrapped(note, "  - ", "    ");
        }

        output.WriteLine();
        output.WriteLine(Paint(FindingText.Summary(report), report.Verdict));
    }

    private void WriteSummary(MigrationReport report)
    {
        var input = report.Input;
        output.WriteLine($"{Bold("Docker removal readiness:")} {Paint(FindingText.Label(report.Verdict).ToUpperInvariant(), report.Verdict)} " +
            $"({FindingText.Plural(report.Count(Severity.Blocker), "blocker")}, {FindingText.Plural(report.Count(Severity.Warning), "warning")}, " +
            $"{report.Count(Severity.Info):N0} info)");
        var read = $"Read {FindingText.Plural(input.Sources, "input")}, {FindingText.Plural(input.Objects, "object")}: " +
            $"{FindingText.Plural(input.Nodes, "node")}, {FindingText.Plural(input.Pods, "pod")}, {FindingText.Plural(input.Controllers, "controller")}";
        var skipped = FindingText.Skipped(input);
        WriteWrapped(skipped.Length == 0 ? read : $"{read}; {skipped}", "", "  ");
    }

    private void WriteSeverity(MigrationReport report, Severity severity)
    {
        var findings = report.Findings.Where(f => f.Severity == severity).ToList();
        if (findings.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine(Paint($"{FindingText.Heading(severity).ToUpperInvariant()} ({findings.Count:N0})", severity));
        foreach (var kind in findings.GroupBy(f => f.Kind))
        {
            output.WriteLine($"  {Bold(FindingText.Title(kind.Key))} ({kind.Count():N0})");
            foreach (var group in kind.GroupBy(f => f.Advice))
            {
                WriteGroup(group.ToList(), group.Key);
            }
        }
    }

    /// <summary>Findings that share advice: each one, then the advice once.</summary>
    private void WriteGroup(List<Finding> items, string advice)
    {
        foreach (var finding in items.Take(FindingsShown))
        {
            WriteWrapped($"{finding.Subject}: {finding.Evidence}", "    ", "      ");
            var seen = finding.Occurrences > 1 ? $"seen {finding.Occurrences:N0} times, first at " : "at ";
            output.WriteLine(Dim($"      {seen}{finding.Location}"));
        }

        if (items.Count > FindingsShown)
        {
            output.WriteLine($"    … and {items.Count - FindingsShown:N0} more (-o json lists all)");
        }

        WriteWrapped(advice, "    What to do: ", "      ");
    }

    private void WriteNodes(MigrationReport report)
    {
        if (report.Nodes.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine(Bold($"Nodes ({report.Nodes.Count:N0})"));
        foreach (var (verdict, runtime, kubelet, names) in FindingText.NodeGroups(report))
        {
            var label = Paint(FindingText.Label(verdict).PadRight(13), verdict);
            WriteWrapped($"{label} {Show(runtime)}, kubelet {Show(kubelet)}: {FindingText.Names(names, 5)}", "  ", "                ");
        }
    }

    private void WriteNamespaces(MigrationReport report)
    {
        if (report.Namespaces.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine(Bold($"Namespaces ({report.Namespaces.Count:N0})"));
        foreach (var ns in report.Namespaces.Take(NamespacesShown))
        {
            var label = Paint(FindingText.Label(ns.Verdict).PadRight(13), ns.Verdict);
            output.WriteLine($"  {label} {ns.Name}: {FindingText.Plural(ns.Workloads, "workload")}, " +
                $"{FindingText.Plural(ns.Blockers, "blocker")}, {FindingText.Plural(ns.Warnings, "warning")}");
        }

        if (report.Namespaces.Count > NamespacesShown)
        {
            output.WriteLine($"  … and {report.Namespaces.Count - NamespacesShown:N0} more (-o json lists all)");
        }
    }

    private static string Show(string value) => value.Length == 0 ? "(unknown)" : value;

    /// <summary>Word-wraps at <see cref="Width"/> columns (counting visible characters only).</summary>
    private void WriteWrapped(string text, string first, string rest)
    {
        var line = new StringBuilder(first);
        var visible = first.Length;
        foreach (var word in text.Split(' '))
        {
            var length = VisibleLength(word);
            if (visible + length + 1 > Width && visible > rest.Length)
            {
                output.WriteLine(line.ToString().TrimEnd());
                line.Clear().Append(rest);
                visible = rest.Length;
            }

            line.Append(word).Append(' ');
            visible += length + 1;
        }

        output.WriteLine(line.ToString().TrimEnd());
    }

    /// <summary>Length without colour escapes (ESC [ … m), which take no columns.</summary>
    private static int VisibleLength(string word)
    {
        var (length, inEscape) = (0, false);
        foreach (var c in word)
        {
            if (inEscape)
            {
                inEscape = c != 'm';
            }
            else if (c == '\u001b')
            {
                inEscape = true;
            }
            else
            {
                length++;
            }
        }

        return length;
    }

    private string Bold(string text) => Sgr(text, "1");

    private string Dim(string text) => Sgr(text, "2");

    private string Paint(string text, Verdict verdict) => Sgr(text, verdict switch
    {
        Verdict.Blocked => "1;31",
        Verdict.NeedsChanges => "1;33",
        _ => "1;32",
    });

    private string Paint(string text, Severity severity) => Sgr(text, severity switch
    {
        Severity.Blocker => "1;31",
        Severity.Warning => "1;33",
        _ => "1;36",
    });

    private string Sgr(string text, string code) => color ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
