namespace Minato.Migrate;

/// <summary>
/// Gathers findings and counts while objects stream past, and builds the report at the end. Memory grows
/// with distinct findings, nodes and namespaces, not with pods: the same evidence in a thousand pods of one
/// DaemonSet is one finding with a thousand occurrences, attributed to the DaemonSet.
/// </summary>
internal sealed class FindingCollector
{
    private const int MaxOwnerDepth = 8;

    private readonly Dictionary<FindingKey, Accumulator> _findings = [];
    private readonly Dictionary<ObjectRef, ObjectRef> _owners = [];
    private readonly List<(string Name, string Runtime, string Kubelet)> _nodes = [];
    private readonly Dictionary<string, int> _workloadsByNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _skippedKinds = new(StringComparer.Ordinal);
    private int _objects;
    private int _pods;
    private int _controllers;

    /// <summary>Counts an object and remembers what is needed later: owners, nodes, namespaces.</summary>
    public void Observe(KubeObject item)
    {
        _objects++;
        switch (item)
        {
            case ClusterNode node:
                _nodes.Add((node.Ref.Name, node.ContainerRuntimeVersion, node.KubeletVersion));
                break;
            case PodTemplate template:
                _ = template.Ref.Kind == "Pod" ? _pods++ : _controllers++;

                // A pod's findings already name its owner, so only controllers' owners are looked up later.
                if (template.Owner is { } owner && template.Ref.Kind != "Pod")
                {
                    _owners[template.Ref] = owner;
                }

                var ns = template.Ref.Namespace ?? "default";
                _workloadsByNamespace[ns] = _workloadsByNamespace.GetValueOrDefault(ns) + 1;
                break;
            case OtherObject other:
                _skippedKinds[other.Ref.Kind] = _skippedKinds.GetValueOrDefault(other.Ref.Kind) + 1;
                break;
        }
    }

    public void Report(KubeObject source, FindingKind kind, Severity severity, string evidence, string advice)
    {
        var subject = source is PodTemplate { Owner: { } owner } ? owner : source.Ref;
        var key = new FindingKey(kind, subject, evidence);
        if (_findings.TryGetValue(key, out var existing))
        {
            existing.Add(severity, source, subject);
        }
        else
        {
            _findings[key] = new Accumulator(severity, advice, source);
        }
    }

    public MigrationReport Build(int sources, IReadOnlyList<string> noActionNeeded)
    {
        var findings = MergeByRootOwner();
        var byNode = findings.Where(f => f.Subject.Kind == "Node").ToLookup(f => f.Subject.Name, StringComparer.Ordinal);
        var nodes = _nodes.Select(n => new NodeVerdict(n.Name, n.Runtime, n.Kubelet, VerdictOf(byNode[n.Name])))
            .OrderByDescending(n => n.Verdict).ThenBy(n => n.Name, StringComparer.Ordinal).ToList();
        var byNamespace = findings.Where(f => f.Subject.Kind != "Node")
            .ToLookup(f => f.Subject.Namespace ?? "default", StringComparer.Ordinal);
        var namespaces = _workloadsByNamespace.Select(p => NamespaceVerdictOf(byNamespace[p.Key], p.Key, p.Value))
            .OrderByDescending(n => n.Verdict).ThenBy(n => n.Name, StringComparer.Ordinal).ToList();
        var input = new InputSummary(sources, _objects, _nodes.Count, _pods, _controllers, _skippedKinds);
        return new MigrationReport(VerdictOf(findings), input, findings, nodes, namespaces, noActionNeeded);
    }

    /// <summary>
    /// Pods name their ReplicaSet, ReplicaSets their Deployment: follow owners seen in the input to the top,
    /// so the evidence from pods and from the template they came from becomes one finding.
    /// </summary>
    private List<Finding> MergeByRootOwner()
    {
        var merged = new Dictionary<FindingKey, Accumulator>();
        foreach (var (key, found) in _findings)
        {
            var root = key with { Subject = RootOwner(key.Subject) };
            if (merged.TryGetValue(root, out var existing))
            {
                existing.Merge(found, root.Subject);
            }
            else
            {
                merged[root] = found;
            }
        }

        return merged
            .Select(p => new Finding(
                p.Key.Kind, p.Value.Severity, p.Key.Subject, p.Key.Evidence, p.Value.Advice, p.Value.Occurrences, p.Value.Location))
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.Kind)
            .ThenBy(f => f.Subject.Namespace, StringComparer.Ordinal)
            .ThenBy(f => f.Subject.Kind, StringComparer.Ordinal)
            .ThenBy(f => f.Subject.Name, StringComparer.Ordinal)
            .ThenBy(f => f.Evidence, StringComparer.Ordinal)
            .ToList();
    }

    private ObjectRef RootOwner(ObjectRef subject)
    {
        for (var depth = 0; depth < MaxOwnerDepth && _owners.TryGetValue(subject, out var owner); depth++)
        {
            subject = owner;
        }

        return subject;
    }

    private static NamespaceVerdict NamespaceVerdictOf(IEnumerable<Finding> inNamespace, string ns, int workloads) =>
        new(
            ns,
            workloads,
            inNamespace.Count(f => f.Severity == Severity.Blocker),
            inNamespace.Count(f => f.Severity == Severity.Warning),
            VerdictOf(inNamespace));

    private static Verdict VerdictOf(IEnumerable<Finding> findings)
    {
        var worst = findings.Select(f => f.Severity).DefaultIfEmpty(Severity.Info).Max();
        return worst switch
        {
            Severity.Blocker => Verdict.Blocked,
            Severity.Warning => Verdict.NeedsChanges,
            _ => Verdict.Ready,
        };
    }

    private readonly record struct FindingKey(FindingKind Kind, ObjectRef Subject, string Evidence);

    /// <summary>A finding being counted; its location prefers the subject itself (the manifest to edit).</summary>
    private sealed class Accumulator(Severity severity, string advice, KubeObject first)
    {
        public Severity Severity { get; private set; } = severity;

        public string Advice { get; } = advice;

        public int Occurrences { get; private set; } = 1;

        public SourceLocation Location { get; private set; } = first.Location;

        private ObjectRef LocationOf { get; set; } = first.Ref;

        public void Add(Severity severity, KubeObject source, ObjectRef subject)
        {
            Severity = (Severity)Math.Max((int)Severity, (int)severity);
            Occurrences++;
            if (LocationOf != subject && source.Ref == subject)
            {
                (Location, LocationOf) = (source.Location, source.Ref);
            }
        }

        public void Merge(Accumulator other, ObjectRef subject)
        {
            Severity = (Severity)Math.Max((int)Severity, (int)other.Severity);
            Occurrences += other.Occurrences;
            if (LocationOf != subject && other.LocationOf == subject)
            {
                (Location, LocationOf) = (other.Location, other.LocationOf);
            }
        }
    }
}
