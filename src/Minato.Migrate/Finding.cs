namespace Minato.Migrate;

/// <summary>How much a finding matters for the move off Docker, in increasing order.</summary>
public enum Severity
{
    /// <summary>Nothing to do; stated so nobody worries.</summary>
    Info,

    /// <summary>Keeps working or degrades quietly; worth changing around the move.</summary>
    Warning,

    /// <summary>Breaks on a node without Docker; fix before (or while) moving.</summary>
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
/// One finding: what was found (Evidence) in which object (Subject: a Pod's controller rather than the Pod),
/// how often (Occurrences: pods and templates showing the same evidence), and what to do (Advice).
/// </summary>
public sealed record Finding(
    FindingKind Kind,
    Severity Severity,
    ObjectRef Subject,
    string Evidence,
    string Advice,
    int Occurrences,
    SourceLocation Location);
