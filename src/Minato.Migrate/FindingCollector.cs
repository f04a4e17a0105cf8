namespace Minato.Migrate;

/// <summary>
/// Gathers findings and counts while objects stream past, and builds the report at the end. The unit is the
/// workload: a pod rolls up through its controlling owner references (Pod, ReplicaSet, Deployment; Pod, Job,
/// CronJob) as far as the owners are in the input, and a pod whose owner is not in the input is a workload of
/// its own. An old ReplicaSet scaled to zero stays apart as a rollback target. Memory grows with distinct
/// findings, flagged pods, controllers and namespaces, not with the pods that show nothing.
/// </summary>
internal sealed class FindingCollector
{
    private const int MaxOwnerDepth = 8;

    private readonly Dictionary<FindingKey, Accumulator> _findings = [];

    // Controllers seen (anything with a pod template): their controlling owner, and whether they are a rollback target.
    private readonly Dictionary<ObjectRef, (ObjectRef? Owner, bool RollbackTarget)> _controllers = [];
    private readonly Dictionary<ObjectRef, int> _podsByOwner = [];
    private readonly Dictionary<string, int> _ownerlessPodsByNamespace = new(StringComparer.Ordinal);
    private readonly List<(string Name, string Runtime, string Kubelet)> _nodes = [];
    private readonly Dictionary<string, int> _skippedKinds = new(StringComparer.Ordinal);
    private int _objects;
    private int _pods;

    /// <summary>Counts an object and remembers what is needed later: owners, nodes, pods per owner.</summary>
    public void Observe(KubeObject item)
    {
        _objects++;
        switch (item)
        {
            case ClusterNode node:
                _nodes.Add((node.Ref.Name, node.ContainerRuntimeVersion, node.KubeletVersion));
                break;
            case PodTemplate { Ref.Kind: "Pod" } pod:
                _pods++;
                if (pod.Owner is { } owner)
                {
                    _podsByOwner[owner] = _podsByOwner.GetValueOrDefault(owner) + 1;
                }
                else
                {
                    var ns = NamespaceOf(pod.Ref);
                    _ownerlessPodsByNamespace[ns] = _ownerlessPodsByNamespace.GetValueOrDefault(ns) + 1;
                }

                break;
            case PodTemplate controller:
                _controllers[controller.Ref] = (controller.Owner, controller.IsRollbackTarget);
                break;
            case OtherObject other:
                _skippedKinds[other.Ref.Kind] = _skippedKinds.GetValueOrDefault(other.Ref.Kind) + 1;
                break;
        }
    }

    /// <summary>
    /// Records evidence found in <paramref name="source"/>. A pod's evidence is held against its owner until the
    /// end, when it is known whether the owner is in the input; the pod is remembered in case it is not.
    /// </summary>
    public void Report(KubeObject source, FindingKind kind, Severity severity, string evidence, string advice)
    {
        var viaOwner = source is PodTemplate { Ref.Kind: "Pod", Owner: { } owner } ? owner : null;
        var key = new FindingKey(kind, viaOwner ?? source.Ref, evidence);
        if (!_findings.TryGetValue(key, out var found))
        {
            found = new Accumulator(severity, advice);
            _findings[key] = found;
        }

        found.Add(severity, source, viaOwner is not null);
    }

    public MigrationReport Build(int sources, IReadOnlyList<string> noActionNeeded, IReadOnlyList<InputError> errors)
    {
        var findings = Resolve();
        var units = findings
            .GroupBy(f => f.Subject)
            .Select(g => new WorkloadFindings(g.Key, g.Max(f => f.Severity), LocationOf(g), [.. g]))
            .OrderByDescending(w => w.Severity)
            .ThenBy(w => w.Subject.Namespace, StringComparer.Ordinal)
            .ThenBy(w => w.Subject.Kind, StringComparer.Ordinal)
            .ThenBy(w => w.Subject.Name, StringComparer.Ordinal)
            .ToList();
        var nodeUnits = units.Where(u => u.Subject.Kind == "Node").ToDictionary(u => u.Subject.Name, StringComparer.Ordinal);
        var nodes = _nodes
            .Select(n => new NodeVerdict(n.Name, n.Runtime, n.Kubelet, VerdictOf(nodeUnits.GetValueOrDefault(n.Name)?.Severity)))
            .OrderByDescending(n => n.Verdict).ThenBy(n => n.Name, StringComparer.Ordinal).ToList();
        var workloads = WorkloadsByNamespace();
        var input = new InputSummary(sources, _objects, _nodes.Count, _pods, _controllers.Count, workloads.Values.Sum(), _skippedKinds);
        var namespaces = Namespaces(units, workloads);
        var verdict = VerdictOf(units.Count == 0 ? null : units.Max(u => u.Severity));
        return new MigrationReport(verdict, input, findings, units, nodes, namespaces, noActionNeeded, errors);
    }

    /// <summary>
    /// Moves every finding to its workload: a pod's owner if that is in the input (and up its owners), else the
    /// pod itself; merges what the pods and templates of one workload share; and turns the findings of a
    /// rollback target into information about the rollback.
    /// </summary>
    private List<Finding> Resolve()
    {
        var merged = new Dictionary<FindingKey, Accumulator>();
        foreach (var (key, found) in _findings)
        {
            if (found.Pods is { } pods && !_controllers.ContainsKey(key.Subject))
            {
                foreach (var (pod, location) in pods)
                {
                    Merge(merged, key with { Subject = pod }, Accumulator.Single(found, pod, location), pod);
                }

                continue;
            }

            var workload = WorkloadOf(key.Subject);
            Merge(merged, key with { Subject = workload }, found, workload);
        }

        return merged
            .Select(p => ToFinding(p.Key, p.Value))
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.Kind)
            .ThenBy(f => f.Subject.Namespace, StringComparer.Ordinal)
            .ThenBy(f => f.Subject.Kind, StringComparer.Ordinal)
            .ThenBy(f => f.Subject.Name, StringComparer.Ordinal)
            .ThenBy(f => f.Evidence, StringComparer.Ordinal)
            .ToList();
    }

    private Finding ToFinding(FindingKey key, Accumulator found)
    {
        if (_controllers.TryGetValue(key.Subject, out var controller) && controller.RollbackTarget)
        {
            return new Finding(
                key.Kind, Severity.Info, key.Subject, $"rollback target: {key.Evidence}", RollbackAdvice(controller.Owner!),
                found.Occurrences, found.Location);
        }

        return new Finding(key.Kind, found.Severity, key.Subject, key.Evidence, found.Advice, found.Occurrences, found.Location);
    }

    private static string RollbackAdvice(ObjectRef deployment) =>
        $"This ReplicaSet is an old revision of {deployment} scaled to 0 replicas: nothing runs from it, but " +
        "kubectl rollout undo to it would bring this Docker dependency back. Once the current revision is fixed, " +
        "delete the old ReplicaSet or lower the Deployment's revisionHistoryLimit so it ages out.";

    private static void Merge(Dictionary<FindingKey, Accumulator> merged, FindingKey key, Accumulator found, ObjectRef subject)
    {
        if (merged.TryGetValue(key, out var existing))
        {
            existing.Merge(found, subject);
        }
        else
        {
            merged[key] = found;
        }
    }

    /// <summary>Follows controlling owners present in the input to the top, stopping at a rollback target.</summary>
    private ObjectRef WorkloadOf(ObjectRef subject)
    {
        for (var depth = 0; depth < MaxOwnerDepth; depth++)
        {
            if (!_controllers.TryGetValue(subject, out var controller) || controller.RollbackTarget
                || controller.Owner is not { } owner || !_controllers.ContainsKey(owner))
            {
                break;
            }

            subject = owner;
        }

        return subject;
    }

    /// <summary>Workloads per namespace: top controllers, rollback targets, and pods whose owner is not in the input.</summary>
    private Dictionary<string, int> WorkloadsByNamespace()
    {
        var counts = new Dictionary<string, int>(_ownerlessPodsByNamespace, StringComparer.Ordinal);
        foreach (var controller in _controllers.Keys.Where(c => WorkloadOf(c) == c))
        {
            var ns = NamespaceOf(controller);
            counts[ns] = counts.GetValueOrDefault(ns) + 1;
        }

        foreach (var (owner, pods) in _podsByOwner.Where(p => !_controllers.ContainsKey(p.Key)))
        {
            var ns = NamespaceOf(owner);
            counts[ns] = counts.GetValueOrDefault(ns) + pods;
        }

        return counts;
    }

    private static List<NamespaceVerdict> Namespaces(List<WorkloadFindings> units, Dictionary<string, int> workloads)
    {
        var flagged = units.Where(u => u.Subject.Kind != "Node").ToLookup(u => NamespaceOf(u.Subject), StringComparer.Ordinal);
        return workloads.Keys.Union(flagged.Select(g => g.Key), StringComparer.Ordinal)
            .Select(ns =>
            {
                var inNamespace = flagged[ns].ToList();
                int Count(Severity severity) => inNamespace.Count(u => u.IsWorkload && u.Severity == severity);
                return new NamespaceVerdict(
                    ns,
                    workloads.GetValueOrDefault(ns),
                    Count(Severity.Blocker),
                    Count(Severity.Action),
                    Count(Severity.Info),
                    VerdictOf(inNamespace.Count == 0 ? null : inNamespace.Max(u => u.Severity)));
            })
            .OrderByDescending(n => n.Verdict).ThenBy(n => n.Name, StringComparer.Ordinal).ToList();
    }

    private static string NamespaceOf(ObjectRef item) => item.Namespace ?? "default";

    /// <summary>Where the workload's most severe finding was seen (its own manifest when it is in the input).</summary>
    private static SourceLocation LocationOf(IEnumerable<Finding> findings) => findings.First().Location;

    private static Verdict VerdictOf(Severity? worst) => worst switch
    {
        Severity.Blocker => Verdict.Blocked,
        Severity.Action => Verdict.NeedsChanges,
        _ => Verdict.Ready,
    };

    private readonly record struct FindingKey(FindingKind Kind, ObjectRef Subject, string Evidence);

    /// <summary>
    /// A finding being counted. Its location prefers the subject's own manifest (the one to edit) over a pod's;
    /// Pods lists the pods whose evidence was held against an owner, in case the owner is not in the input.
    /// </summary>
    private sealed class Accumulator(Severity severity, string advice)
    {
        public Severity Severity { get; private set; } = severity;

        public string Advice { get; } = advice;

        public int Occurrences { get; private set; }

        public SourceLocation Location { get; private set; } = new("", 0);

        public List<(ObjectRef Pod, SourceLocation Location)>? Pods { get; private set; }

        // The object Location belongs to; null while it is only a pod's.
        private ObjectRef? _locationOf;

        public static Accumulator Single(Accumulator of, ObjectRef pod, SourceLocation location) =>
            new(of.Severity, of.Advice) { Occurrences = 1, Location = location, _locationOf = pod };

        public void Add(Severity severity, KubeObject source, bool viaOwner)
        {
            Severity = (Severity)Math.Max((int)Severity, (int)severity);
            if (Occurrences++ == 0 || (_locationOf is null && !viaOwner))
            {
                Location = source.Location;
            }

            if (viaOwner)
            {
                (Pods ??= []).Add((source.Ref, source.Location));
            }
            else
            {
                _locationOf ??= source.Ref;
            }
        }

        public void Merge(Accumulator other, ObjectRef subject)
        {
            Severity = (Severity)Math.Max((int)Severity, (int)other.Severity);
            Occurrences += other.Occurrences;
            if (_locationOf != subject && other._locationOf == subject)
            {
                (Location, _locationOf) = (other.Location, other._locationOf);
            }
        }
    }
}
