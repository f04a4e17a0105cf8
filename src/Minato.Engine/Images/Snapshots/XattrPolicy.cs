namespace Minato.Engine.Images.Snapshots;

/// <summary>Which extended attributes from a layer are written to the snapshot.</summary>
/// <remarks>
/// Kept: <c>user.*</c> (unprivileged, application data) and <c>security.capability</c> (file capabilities that
/// images such as ping rely on; they take effect only inside a container's bounding set, and snapshot directories
/// are not reachable by host users). Dropped: <c>trusted.*</c>, above all <c>trusted.overlay.*</c>, whose redirect,
/// metacopy and origin values would let a layer steer overlayfs to other paths (opaque comes only from
/// <c>.wh..wh..opq</c>); <c>security.selinux</c> and other LSM labels, which the runtime sets; <c>system.*</c> ACLs.
/// </remarks>
public static class XattrPolicy
{
    public static bool IsAllowed(string name) =>
        name.StartsWith("user.", StringComparison.Ordinal) || name == "security.capability";
}
