namespace Minato.Migrate;

/// <summary>The words the renderers use for finding kinds, severities and verdicts.</summary>
internal static class FindingText
{
    public static string Title(FindingKind kind) => kind switch
    {
        FindingKind.DockerRuntimeNode => "Nodes running Docker",
        FindingKind.DockerSocket => "Docker socket and data directories",
        FindingKind.DockerInDocker => "Docker-in-Docker and image builds",
        FindingKind.NvidiaDocker => "NVIDIA Docker",
        FindingKind.DockerLogFormat => "Docker log files and log format",
        FindingKind.NoActionNeeded => "No action needed",
        _ => kind.ToString(),
    };

    public static string Heading(Severity severity) => severity switch
    {
        Severity.Blocker => "Blockers",
        Severity.Action => "Actions",
        _ => "Information",
    };

    /// <summary>The severity as one word: blocker, action, info.</summary>
    public static string Word(Severity severity) => severity switch
    {
        Severity.Blocker => "blocker",
        Severity.Action => "action",
        _ => "info",
    };

    /// <summary>"12 workloads, 5 flagged: 2 blockers, 2 actions, 1 info".</summary>
    public static string WorkloadLine(MigrationReport report) =>
        $"{Plural(report.Input.Workloads, "workload")}, {report.Flagged:N0} flagged: {Plural(report.Count(Severity.Blocker), "blocker")}, " +
        $"{Plural(report.Count(Severity.Action), "action")}, {report.Count(Severity.Info):N0} info";

    /// <summary>"6 nodes, 3 flagged: 1 blocker, 0 actions, 2 info", or null without nodes.</summary>
    public static string? NodeLine(MigrationReport report)
    {
        if (report.Input.Nodes == 0)
        {
            return null;
        }

        var nodes = report.Workloads.Where(w => w.Subject.Kind == "Node").ToList();
        int Count(Severity severity) => nodes.Count(n => n.Severity == severity);
        return $"{Plural(report.Input.Nodes, "node")}, {nodes.Count:N0} flagged: {Plural(Count(Severity.Blocker), "blocker")}, " +
            $"{Plural(Count(Severity.Action), "action")}, {Count(Severity.Info):N0} info";
    }

    /// <summary>
    /// Advice texts in the order the given workloads first use them, with how many workloads use each: advice
    /// one workload alone has is written with it, advice shared by several once, numbered.
    /// </summary>
    public static Dictionary<string, int> AdviceNumbers(IEnumerable<WorkloadFindings> workloads)
    {
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var advice in workloads.SelectMany(w => w.Findings.Select(f => f.Advice).Distinct(StringComparer.Ordinal)))
        {
            if (uses.TryAdd(advice, 1))
            {
                order.Add(advice);
            }
            else
            {
                uses[advice]++;
            }
        }

        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var advice in order.Where(a => uses[a] > 1))
        {
            numbers[advice] = numbers.Count + 1;
        }

        return numbers;
    }

    /// <summary>The finding kind of the first finding that gives each numbered advice, to title the note.</summary>
    public static FindingKind KindOf(string advice, IEnumerable<WorkloadFindings> workloads) =>
        workloads.SelectMany(w => w.Findings).First(f => f.Advice == advice).Kind;

    public static string Label(Verdict verdict) => verdict switch
    {
        Verdict.Blocked => "blocked",
        Verdict.NeedsChanges => "needs changes",
        _ => "ready",
    };

    /// <summary>One sentence for the whole report.</summary>
    public static string Summary(MigrationReport report) => report.Verdict switch
    {
        Verdict.Blocked =>
            $"Blocked: {Plural(report.CountAll(Severity.Blocker), "blocker")} (workloads and nodes) must change before running without Docker.",
        Verdict.NeedsChanges =>
            $"Ready to move, with {Plural(report.CountAll(Severity.Action), "action")} to take or verify around the move.",
        _ when report.CountAll(Severity.Info) > 0 => "Ready: nothing here depends on Docker; the information above is worth a look.",
        _ => "Ready: nothing here depends on Docker.",
    };

    public static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count:N0} {noun}s";

    /// <summary>"N objects of K other kinds (Service 12, Secret 2)", or empty when nothing was skipped.</summary>
    public static string Skipped(InputSummary input)
    {
        if (input.SkippedKinds.Count == 0)
        {
            return "";
        }

        var kinds = input.SkippedKinds.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key} {p.Value:N0}");
        return $"skipped {Plural(input.SkippedKinds.Values.Sum(), "object")} of other kinds ({string.Join(", ", kinds)})";
    }

    /// <summary>Nodes grouped by verdict, runtime and kubelet, so thousands of nodes read as a few lines.</summary>
    public static IEnumerable<(Verdict Verdict, string Runtime, string Kubelet, IReadOnlyList<string> Names)> NodeGroups(
        MigrationReport report) =>
        report.Nodes
            .GroupBy(n => (n.Verdict, n.ContainerRuntimeVersion, n.KubeletVersion))
            .OrderByDescending(g => g.Key.Verdict).ThenBy(g => g.Key.ContainerRuntimeVersion, StringComparer.Ordinal)
            .ThenBy(g => g.Key.KubeletVersion, StringComparer.Ordinal)
            .Select(g => (g.Key.Verdict, g.Key.ContainerRuntimeVersion, g.Key.KubeletVersion, (IReadOnlyList<string>)g.Select(n => n.Name).ToList()));

    public static string Names(IReadOnlyList<string> names, int shown) =>
        names.Count <= shown ? string.Join(", ", names) : $"{string.Join(", ", names.Take(shown))}, … ({names.Count - shown:N0} more)";
}
