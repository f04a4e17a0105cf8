namespace Minato.Migrate;

/// <summary>A summary verdict for the cluster, a node or a namespace.</summary>
public enum Verdict
{
    /// <summary>Nothing found that needs a change.</summary>
    Ready,

    /// <summary>Warnings only.</summary>
    NeedsChanges,

    /// <summary>At least one blocker.</summary>
    Blocked,
}

/// <summary>The result of <c>minato migrate</c>: findings, per-node and per-namespace verdicts, and input counts.</summary>
public sealed record MigrationReport(
    Verdict Verdict,
    InputSummary Input,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<NodeVerdict> Nodes,
    IReadOnlyList<NamespaceVerdict> Namespaces,
    IReadOnlyList<string> NoActionNeeded)
{
    public int Count(Severity severity) => Findings.Count(f => f.Severity == severity);
}

/// <summary>What was read: sources, objects by role, and the kinds that were skipped with their counts.</summary>
public sealed record InputSummary(
    int Sources,
    int Objects,
    int Nodes,
    int Pods,
    int Controllers,
    IReadOnlyDictionary<string, int> SkippedKinds);

/// <summary>A node, the runtime it reports, and whether it is ready for a CRI runtime.</summary>
public sealed record NodeVerdict(string Name, string ContainerRuntimeVersion, string KubeletVersion, Verdict Verdict);

/// <summary>A namespace: how many pods and controllers it holds, its distinct blockers and warnings, its verdict.</summary>
public sealed record NamespaceVerdict(string Name, int Workloads, int Blockers, int Warnings, Verdict Verdict);
