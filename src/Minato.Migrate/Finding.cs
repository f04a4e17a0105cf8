namespace Minato.Migrate;

/// <summary>How much a finding matters for the move off Docker, in increasing order.</summary>
public enum Severity
{
    /// <summary>Works as it is on a CRI node; worth a line (a rollback target, a stale label, a runtime class to set up).</summary>
    Info,

    /// <summary>Keeps running but silently loses something, or must be verified by someone who knows the workload.</summary>
    Action,

    /// <summary>Breaks on a CRI node; only a change fixes it.</summary>
    Blocker,
}

/// <summary>The kinds of finding; each has one rule type of the same name.</summary>
public enum FindingKind
{
    DockerRuntimeNode,
    DockerSocket,
    DockerInDocker,
    NvidiaDocker,
    DockerLogFormat,
    NoActionNeeded,
}

/// <summary>
/// One finding: what was found (Evidence) in which workload (Subject: the top owner present in the input, or
/// the object itself), how often (Occurrences: pods and templates showing the same evidence), and what to do.
/// </summary>
public sealed record Finding(
    FindingKind Kind,
    Severity Severity,
    ObjectRef Subject,
    string Evidence,
    string Advice,
    int Occurrences,
    SourceLocation Location);
