namespace Minato.Migrate;

/// <summary>One object read from the input, reduced to the fields the migration rules look at.</summary>
internal abstract record KubeObject(ObjectRef Ref, SourceLocation Location);

/// <summary>A Node and the runtime its kubelet reports (status.nodeInfo).</summary>
internal sealed record ClusterNode(
    ObjectRef Ref,
    SourceLocation Location,
    string ContainerRuntimeVersion,
    string KubeletVersion,
    string? ProviderId,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations) : KubeObject(Ref, Location);

/// <summary>
/// A pod spec with the object that carries it: a Pod, or a controller's pod template. Owner is the
/// controlling owner reference, so findings in a pod can be reported against its Deployment. Replicas is the
/// controller's spec.replicas when it is given (a ReplicaSet at 0 is an old revision kept for rollback).
/// </summary>
internal sealed record PodTemplate(ObjectRef Ref, SourceLocation Location, ObjectRef? Owner, PodSpec Spec, int? Replicas = null)
    : KubeObject(Ref, Location)
{
    /// <summary>An old ReplicaSet of a Deployment scaled to zero: not running, but a rollback brings it back.</summary>
    public bool IsRollbackTarget => Ref.Kind == "ReplicaSet" && Replicas == 0 && Owner?.Kind == "Deployment";
}

/// <summary>A ConfigMap's data, where log agents keep the parser configuration that names Docker's format.</summary>
internal sealed record ConfigData(ObjectRef Ref, SourceLocation Location, IReadOnlyList<KeyValuePair<string, string>> Data)
    : KubeObject(Ref, Location);

/// <summary>An object of a kind the rules do not look at; only counted.</summary>
internal sealed record OtherObject(ObjectRef Ref, SourceLocation Location) : KubeObject(Ref, Location);
