using Minato.Engine.Oci;

namespace Minato.Cri.Runtime;

/// <summary>What one runtime handler supports on this host, as Status reports it so the kubelet knows which pods it may send.</summary>
/// <param name="Name">The handler's name; empty for the default handler, which a pod without a RuntimeClass gets.</param>
/// <param name="RecursiveReadOnlyMounts">Read-only mounts made recursively read-only (<c>rro</c>).</param>
/// <param name="UserNamespaces">Pods in their own user namespace (<c>hostUsers: false</c>).</param>
public sealed record RuntimeHandlerSupport(string Name, bool RecursiveReadOnlyMounts, bool UserNamespaces)
{
    /// <summary>
    /// Every configured handler, then the default one again under the empty name, as containerd lists them. The one
    /// place that decides each feature: recursive read-only mounts for the handlers whose binary lists <c>rro</c> on a
    /// kernel with mount_setattr (<paramref name="recursiveReadOnly"/>); user namespaces for the handlers whose binary
    /// joins a user namespace on a kernel that id-maps every mount the daemon prepares (<paramref name="userNamespaces"/>).
    /// For any other handler the kubelet refuses pods that ask for the feature rather than have them run without.
    /// </summary>
    public static IReadOnlyList<RuntimeHandlerSupport> For(
        IEnumerable<OciRuntimeHandler> handlers, string defaultHandler, IReadOnlySet<string>? recursiveReadOnly = null, IReadOnlySet<string>? userNamespaces = null)
    {
        var listed = handlers.Select(h => new RuntimeHandlerSupport(
            h.Name, RecursiveReadOnlyMounts: recursiveReadOnly?.Contains(h.Name) == true, UserNamespaces: userNamespaces?.Contains(h.Name) == true)).ToList();
        if (listed.FirstOrDefault(h => h.Name == defaultHandler) is { } byDefault)
        {
            listed.Add(byDefault with { Name = "" });
        }

        return listed;
    }
}
