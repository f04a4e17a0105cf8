using System.Text;

namespace Minato.Migrate;

/// <summary>
/// Writes the report for a person at a terminal: verdict and workload counts first, then each flagged workload
/// once, under its worst severity, with all its findings and what to do. Advice one workload alone has is
/// written with it; advice several share is written once, numbered. Blockers and actions are never cut; only
/// information beyond the first few workloads is (-o json has everything).
/// </summary>
public sealed class TextReportRenderer(TextWriter output, bool color)
{
    private const int Width = 100;
    private const int InfoShown = 10;
    private const int NamespacesShown = 30;

    public void Render(MigrationReport report)
    {
        WriteSummary(report);
        var shown = report.Workloads.Where(w => w.Severity != Severity.Info)
            .Concat(report.Workloads.Where(w => w.Severity == Severity.Info).Take(InfoShown)).ToList();
        var numbers = FindingText.AdviceNumbers(shown);
        foreach (var severity in new[] { Severity.Blocker, Severity.Action, Severity.Info })
        {
            WriteSeverity(report, severity, numbers);
        }

        WriteAdvice(numbers, shown);
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
        output.WriteLine($"{Bold("Docker removal readiness:")} {Paint(FindingText.Label(report.Verdict).ToUpperInvariant(), report.Verdict)}");
        output.WriteLine(FindingText.WorkloadLine(report));
        if (FindingText.NodeLine(report) is { } nodes)
        {
            output.WriteLine(nodes);
        }

        var read = $"Read {FindingText.Plural(input.Sources, "input")}, {FindingText.Plural(input.Objects, "object")}: " +
            $"{FindingText.Plural(input.Nodes, "node")}, {FindingText.Plural(input.Pods, "pod")}, {FindingText.Plural(input.Controllers, "controller")}";
        var skipped = FindingText.Skipped(input);
        WriteWrapped(skipped.Length == 0 ? read : $"{read}; {skipped}", "", "  ");
        foreach (var error in report.Errors)
        {
            WriteWrapped($"Could not read {error} (the findings above and below come from everything else)", "", "  ");
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
        output.WriteLine(Paint($"{FindingText.Heading(severity).ToUpperInvariant()} ({units.Count:N0})", severity));
        var shown = severity == Severity.Info ? units.Take(InfoShown) : units;
        foreach (var unit in shown)
        {
            WriteUnit(unit, numbers);
        }

        if (severity == Severity.Info && units.Count > InfoShown)
        {
            output.WriteLine($"  … and {units.Count - InfoShown:N0} more (-o json lists all)");
        }
    }

    /// <summary>A workload, node or ConfigMap with every finding it has, and what to do about them.</summary>
    private void WriteUnit(WorkloadFindings unit, Dictionary<string, int> numbers)
    {
        output.WriteLine($"  {Bold(unit.Subject.ToString())} {Dim($"at {unit.Location}")}");
        foreach (var finding in unit.Findings)
        {
            var seen = finding.Occurrences > 1 ? $" (seen {finding.Occurrences:N0} times)" : "";
            var note = numbers.TryGetValue(finding.Advice, out var number) ? $" [{number}]" : "";
            WriteWrapped(
                $"{Paint(FindingText.Word(finding.Severity), finding.Severity)} {FindingText.Title(finding.Kind)}: {finding.Evidence}{seen}{note}",
                "    - ", "      ");
        }

        foreach (var advice in unit.Findings.Select(f => f.Advice).Distinct(StringComparer.Ordinal).Where(a => !numbers.ContainsKey(a)))
        {
            WriteWrapped(advice, "    What to do: ", "      ");
        }
    }

    /// <summary>Advice shared by several workloads, once each, under the number the findings point to.</summary>
    private void WriteAdvice(Dictionary<string, int> numbers, List<WorkloadFindings> shown)
    {
        if (numbers.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine(Bold("What to do"));
        foreach (var (advice, number) in numbers)
        {
            WriteWrapped($"{Bold(FindingText.Title(FindingText.KindOf(advice, shown)))}: {advice}", $"  [{number}] ", "      ");
        }
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
                $"{FindingText.Plural(ns.Blockers, "blocker")}, {FindingText.Plural(ns.Actions, "action")}, {ns.Info:N0} info");
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
        Severity.Action => "1;33",
        _ => "1;36",
    });

    private string Sgr(string text, string code) => color ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
