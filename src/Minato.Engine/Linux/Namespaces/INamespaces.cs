namespace Minato.Engine.Linux.Namespaces;

/// <summary>What a new set of pod namespaces should look like.</summary>
/// <param name="Paths">Where each new namespace is pinned (an nsfs bind mount on a file).</param>
/// <param name="Hostname">Set inside the new UTS namespace, when one is created.</param>
public sealed record NamespaceRequest(IReadOnlyDictionary<NamespaceKind, string> Paths, string? Hostname)
{
    /// <summary>The id mappings of a new user namespace (required when <see cref="Paths"/> has
    /// <see cref="NamespaceKind.User"/>); the other new namespaces are then owned by it.</summary>
    public UserNamespaceMappings? UserMappings { get; init; }
}

/// <summary>The uid and gid mappings of a user namespace, as lines of <c>/proc/PID/uid_map</c> and <c>gid_map</c>.</summary>
/// <param name="Uids">uid ranges: container id, host id, length.</param>
/// <param name="Gids">gid ranges: container id, host id, length.</param>
public sealed record UserNamespaceMappings(IReadOnlyList<Oci.Spec.LinuxIdMapping> Uids, IReadOnlyList<Oci.Spec.LinuxIdMapping> Gids)
{
    /// <summary>The kernel's limit of lines in one <c>uid_map</c> or <c>gid_map</c> (Linux 4.15+).</summary>
    public const int MaxRanges = 340;

    /// <summary>The host id that <paramref name="id"/> inside maps to, or null when it is not mapped.</summary>
    public static uint? HostIdOf(IReadOnlyList<Oci.Spec.LinuxIdMapping> ranges, uint id) =>
        ranges.FirstOrDefault(r => id >= r.ContainerId && id - r.ContainerId < r.Size) is { } range ? range.HostId + (id - range.ContainerId) : null;

    /// <summary>The text written to <c>uid_map</c> or <c>gid_map</c>: one line per range.</summary>
    public static string MapFile(IReadOnlyList<Oci.Spec.LinuxIdMapping> ranges) =>
        string.Concat(ranges.Select(r => FormattableString.Invariant($"{r.ContainerId} {r.HostId} {r.Size}\n")));
}

/// <summary>The operating-system boundary for namespaces: creating, pinning, joining and releasing them.</summary>
/// <remarks>
/// The real implementation works on dedicated threads that are discarded afterwards, so no thread of the
/// daemon's pool ever runs in a pod's namespaces. A fake lets pod logic be unit-tested without root.
/// </remarks>
public interface INamespaces
{
    /// <summary>
    /// Creates new net/ipc/uts namespaces as requested (not pid), sets the hostname, brings loopback up, and pins
    /// each one at its path. With a user namespace requested, it is made first with the given mappings and the others
    /// inside it. Either all are pinned or none is left behind.
    /// </summary>
    Task PinNewAsync(NamespaceRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Starts <paramref name="initExecutable"/> as pid 1 of a new pid namespace (inside the given namespaces) and pins
    /// that namespace at <paramref name="pinPath"/>. Returns the init's pid in the host's pid namespace. With a user
    /// namespace in <paramref name="join"/>, the init runs as that namespace's root and the pid namespace is owned by it.
    /// </summary>
    Task<int> StartPidInitAsync(string initExecutable, string pinPath, IReadOnlyDictionary<NamespaceKind, string> join, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="action"/> on a thread that has joined the given namespaces.</summary>
    Task<T> RunInAsync<T>(IReadOnlyDictionary<NamespaceKind, string> namespaces, Func<T> action);

    /// <summary>
    /// Runs <paramref name="action"/> once in each namespace of <paramref name="kind"/> at <paramref name="paths"/>, all on
    /// one thread (one thread for hundreds of pods, not one each); a namespace that cannot be joined yields null.
    /// </summary>
    Task<IReadOnlyList<T?>> RunInEachAsync<T>(NamespaceKind kind, IReadOnlyList<string> paths, Func<T> action)
        where T : class;

    /// <summary>
    /// Pins the existing namespace at <paramref name="source"/> (<c>/proc/&lt;pid&gt;/ns/net</c>) at <paramref name="path"/>, so
    /// it outlives its process (a CNI DEL after the container exited still finds its interfaces and rules).
    /// </summary>
    /// <exception cref="Errors.PreconditionException">The namespace is the daemon's own, or the process is gone.</exception>
    void PinExisting(string source, string path);

    /// <summary>Unmounts and deletes a pin; succeeds when it is already gone.</summary>
    void Unpin(string path);

    /// <summary>True when <paramref name="path"/> is a live namespace pin (an nsfs mount).</summary>
    bool IsPinned(string path);

    /// <summary>Kills the pod's init process if <paramref name="pid"/> is still the init of the pinned pid namespace.</summary>
    void KillPidInit(int pid, string pinPath);
}
