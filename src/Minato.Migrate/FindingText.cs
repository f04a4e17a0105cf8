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
        Severity.Warning => "Warnings",
        _ => "Information",
    };

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
            $"Blocked: {Plural(report.Count(Severity.Blocker), "blocker")} must be fixed before these nodes and workloads can run without Docker.",
        Verdict.NeedsChanges =>
            $"Ready to move, with {Plural(report.Count(Severity.Warning), "warning")} to address around the move.",
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
