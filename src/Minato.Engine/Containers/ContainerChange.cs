namespace Minato.Engine.Containers;

/// <summary>What happened to a container.</summary>
public enum ContainerChangeKind
{
    Created,
    Started,
    Exited,
    Removed,
}

/// <summary>A change of one container, raised under the service's state lock so that changes arrive in the order
/// they happened: an exit folded in while the start was still in flight arrives after <c>Started</c>.</summary>
/// <param name="Container">The container after the change (as it was last, for <c>Removed</c>).</param>
/// <param name="Kind">What happened.</param>
/// <param name="At">When, in Unix nanoseconds.</param>
public sealed record ContainerChange(ContainerRecord Container, ContainerChangeKind Kind, long At);
