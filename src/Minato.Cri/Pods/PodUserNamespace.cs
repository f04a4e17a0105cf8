using System.Text;
using Minato.Engine.Errors;
using Minato.Engine.Linux.Namespaces;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Pods;

/// <summary>The pod's user namespace request (CRI <c>NamespaceOption.userns_options</c>): the host's (NODE) or the
/// pod's own (POD) with the kubelet's uid and gid mappings.</summary>
/// <param name="Mode">NODE or POD; CONTAINER and TARGET are refused.</param>
/// <param name="Uids">uid ranges (container id, host id, length); empty with NODE.</param>
/// <param name="Gids">gid ranges; empty with NODE.</param>
public sealed record PodUserNamespace(NamespaceMode Mode, IReadOnlyList<LinuxIdMapping> Uids, IReadOnlyList<LinuxIdMapping> Gids)
{
    /// <summary>The host's user namespace: what a request without <c>userns_options</c> means.</summary>
    public static PodUserNamespace Node { get; } = new(NamespaceMode.Node, [], []);

    /// <summary>True when the pod has a user namespace of its own.</summary>
    public bool IsPrivate => Mode == NamespaceMode.Pod;

    /// <summary>The mappings in the engine's terms.</summary>
    public UserNamespaceMappings Mappings => new(Uids, Gids);

    /// <summary>Same mode and the same ranges in the same order.</summary>
    public bool SameAs(PodUserNamespace other) => Mode == other.Mode && Uids.SequenceEqual(other.Uids) && Gids.SequenceEqual(other.Gids);

    /// <summary>Checks the request against what the kernel accepts in <c>uid_map</c> and <c>gid_map</c> and what the pod's
    /// other namespaces allow.</summary>
    /// <param name="field">The request's field name for messages.</param>
    /// <param name="namespaces">The pod's other namespace modes.</param>
    /// <exception cref="InvalidInputException">The message names the field and what is wrong.</exception>
    public void Validate(string field, SandboxNamespaces namespaces)
    {
        switch (Mode)
        {
            case NamespaceMode.Node:
                if (Uids.Count > 0 || Gids.Count > 0)
                {
                    throw new InvalidInputException($"{field}: uids and gids must be empty with mode NODE (the host's user namespace has its own mappings)");
                }

                return;
            case NamespaceMode.Pod:
                break;
            default:
                throw new InvalidInputException($"{field}.mode {Mode.ToString().ToUpperInvariant()} is not supported (POD or NODE)");
        }

        Ranges($"{field}.uids", Uids);
        Ranges($"{field}.gids", Gids);

        // A container joins the pod's user namespace first; a namespace of the host (owned by the host's user namespace)
        // cannot be joined from inside it.
        if (namespaces.Network != NamespaceMode.Pod)
        {
            throw new InvalidInputException(
                $"{field} mode POD needs the pod's own network namespace: host-network pods in a user namespace are not supported (features.user_namespaces_host_network is false)");
        }

        if (namespaces.Ipc != NamespaceMode.Pod)
        {
            throw new InvalidInputException($"{field} mode POD cannot be combined with namespace_options.ipc NODE: the host's IPC namespace is not the pod's user namespace's");
        }

        if (namespaces.Pid == NamespaceMode.Node)
        {
            throw new InvalidInputException($"{field} mode POD cannot be combined with namespace_options.pid NODE: the host's pid namespace is not the pod's user namespace's");
        }
    }

    private static void Ranges(string field, IReadOnlyList<LinuxIdMapping> ranges)
    {
        if (ranges.Count == 0)
        {
            throw new InvalidInputException($"{field} is required with mode POD (at least one range)");
        }

        if (ranges.Count > UserNamespaceMappings.MaxRanges)
        {
            throw new InvalidInputException($"{field} has {ranges.Count} ranges; the kernel accepts at most {UserNamespaceMappings.MaxRanges}");
        }

        foreach (var r in ranges)
        {
            if (r.Size == 0)
            {
                throw new InvalidInputException($"{field}: range container_id {r.ContainerId} host_id {r.HostId} has length 0");
            }

            // Ids are 32-bit and (uint)-1 is no id: the last id of a range must be below it.
            if ((ulong)r.ContainerId + r.Size > uint.MaxValue || (ulong)r.HostId + r.Size > uint.MaxValue)
            {
                throw new InvalidInputException(
                    $"{field}: range container_id {r.ContainerId} host_id {r.HostId} length {r.Size} overflows 32-bit ids (the last id must be below {uint.MaxValue})");
            }
        }

        Disjoint(field, "container_id", ranges.Select(r => (r.ContainerId, r.Size)));
        Disjoint(field, "host_id", ranges.Select(r => (r.HostId, r.Size)));
        var bytes = Encoding.ASCII.GetByteCount(UserNamespaceMappings.MapFile(ranges));
        if (bytes >= 4096)
        {
            throw new InvalidInputException($"{field}: the ranges take {bytes} bytes of the kernel's map file, which takes less than 4096");
        }
    }

    private static void Disjoint(string field, string side, IEnumerable<(uint First, uint Size)> ranges)
    {
        var sorted = ranges.OrderBy(r => r.First).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            var previous = sorted[i - 1];
            if ((ulong)previous.First + previous.Size > sorted[i].First)
            {
                throw new InvalidInputException(
                    $"{field}: ranges overlap on {side} ({previous.First}+{previous.Size} and {sorted[i].First}+{sorted[i].Size})");
            }
        }
    }
}
