namespace Minato.Migrate;

/// <summary>A summary verdict for the cluster, a node or a namespace.</summary>
public enum Verdict
{
    /// <summary>Nothing found that needs a change (information at most).</summary>
    Ready,

    /// <summary>Actions, no blocker.</summary>
    NeedsChanges,

    /// <summary>At least one blocker.</summary>
    Blocked,
}

/// <summary>
/// The result of <c>minato migrate</c>: every finding, the same findings per workload (each workload once, at its
/// worst severity), per-node and per-namespace verdicts, input counts, and the inputs that could not be read.
/// </summary>
public sealed record MigrationReport(
    Verdict Verdict,
    InputSummary Input,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<WorkloadFindings> Workloads,
    IReadOnlyList<NodeVerdict> Nodes,
    IReadOnlyList<NamespaceVerdict> Namespaces,
    IReadOnlyList<string> NoActionNeeded,
    IReadOnlyList<InputError> Errors)
{
    /// <summary>Flagged workloads (not nodes, not configuration objects) whose worst finding has this severity.</summary>
    public int Count(Severity severity) => Workloads.Count(w => w.IsWorkload && w.Severity == severity);

    /// <summary>Flagged workloads.</summary>
    public int Flagged => Workloads.Count(w => w.IsWorkload);

    /// <summary>Flagged units of any kind (workloads, nodes, ConfigMaps) at this severity.</summary>
    public int CountAll(Severity severity) => Workloads.Count(w => w.Severity == severity);
}

/// <summary>
/// What was read: sources, objects by role, the workloads they make up (pods roll up into the owner present
/// in the input), and the kinds that were skipped with their counts.
/// </summary>
public sealed record InputSummary(
    int Sources,
    int Objects,
    int Nodes,
    int Pods,
    int Controllers,
    int Workloads,
    IReadOnlyDictionary<string, int> SkippedKinds);

/// <summary>
/// One flagged unit of the report: a workload (its top owner in the input, or a pod on its own), a node or a
/// ConfigMap, with all its findings; Severity is the worst of them.
/// </summary>
public sealed record WorkloadFindings(ObjectRef Subject, Severity Severity, SourceLocation Location, IReadOnlyList<Finding> Findings)
{
    /// <summary>True for objects that run pods; false for nodes and configuration.</summary>
    public bool IsWorkload => Subject.Kind is not ("Node" or "ConfigMap");
}

/// <summary>An input (or the rest of one) that could not be read: where, and why.</summary>
public sealed record InputError(SourceLocation Location, string Reason)
{
    public override string ToString() => $"{Location}: {Reason}";
}

/// <summary>A node, the runtime it reports, and whether it is ready for a CRI runtime.</summary>
public sealed record NodeVerdict(string Name, string ContainerRuntimeVersion, string KubeletVersion, Verdict Verdict);

/// <summary>A namespace: how many workloads it holds, how many are flagged at each severity, its verdict.</summary>
public sealed record NamespaceVerdict(string Name, int Workloads, int Blockers, int Actions, int Info, Verdict Verdict);
