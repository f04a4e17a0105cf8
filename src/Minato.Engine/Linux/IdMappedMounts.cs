using Minato.Engine.Linux.Interop;

namespace Minato.Engine.Linux;

/// <summary>A pinned user namespace that mounts are id-mapped through, and the host ids its root maps to.</summary>
/// <param name="UserNamespace">The pinned user namespace (an nsfs file).</param>
/// <param name="RootUid">The host uid of the namespace's uid 0 (owner of a new writable layer); null when 0 is not mapped.</param>
/// <param name="RootGid">The host gid of the namespace's gid 0; null when 0 is not mapped.</param>
public sealed record MountIdMap(string UserNamespace, uint? RootUid, uint? RootGid);

/// <summary>Id-mapped clones of mounts (Linux 5.12+): a file on disk owned by id <c>n</c> shows through the clone as
/// the host id that the namespace maps <c>n</c> to, and a write through it lands on disk as <c>n</c> again.</summary>
/// <remarks>
/// runc 1.1 cannot make these (its id-mapped mount support came in 1.2), so the daemon makes them before the bundle is
/// handed over: <c>open_tree(OPEN_TREE_CLONE)</c>, <c>mount_setattr(MOUNT_ATTR_IDMAP)</c>, <c>move_mount</c>.
/// </remarks>
internal static class IdMappedMounts
{
    private const int ORdOnlyCloExec = 0x80000;

    /// <summary>Attaches at <paramref name="target"/> (which must exist, a directory or file like the source) a clone of
    /// <paramref name="source"/>, id-mapped through <paramref name="userNamespace"/>; with <paramref name="recursive"/>
    /// every submount is cloned and mapped too.</summary>
    /// <exception cref="SyscallException">The source's filesystem cannot be id-mapped (EINVAL), or another failure.</exception>
    public static void Attach(string source, string target, string userNamespace, bool recursive)
    {
        var ns = NamespaceCalls.Open(userNamespace, ORdOnlyCloExec);
        SyscallException.ThrowIfFailed(ns, "open", userNamespace);
        try
        {
            var tree = MountApiCalls.OpenTree(source, recursive);
            SyscallException.ThrowIfFailed(tree, "open_tree", source);
            try
            {
                SyscallException.ThrowIfFailed(MountApiCalls.SetIdMap(tree, ns, recursive), "mount_setattr(MOUNT_ATTR_IDMAP)", source);
                SyscallException.ThrowIfFailed(MountApiCalls.MoveMount(tree, target), "move_mount", target);
            }
            finally
            {
                _ = NamespaceCalls.Close(tree);
            }
        }
        finally
        {
            _ = NamespaceCalls.Close(ns);
        }
    }

    /// <summary>Detaches every mount point directly in <paramref name="directory"/> and removes them and the directory.
    /// Never deletes recursively: a mount that would not go keeps its files out of reach of the delete.</summary>
    public static void DetachAll(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(directory).ToList())
        {
            // A point can hold more than one mount (a retry after a crash); detach until none is left.
            for (var i = 0; i < 8 && LinuxMounts.DetachOne(entry); i++)
            {
            }

            if (Directory.Exists(entry))
            {
                Directory.Delete(entry);
            }
            else
            {
                File.Delete(entry);
            }
        }

        Directory.Delete(directory);
    }

    /// <summary>Creates <paramref name="target"/> as what a bind of <paramref name="source"/> needs there: a directory,
    /// or an empty file for anything else.</summary>
    public static void CreateTarget(string source, string target)
    {
        if (Directory.Exists(source))
        {
            Directory.CreateDirectory(target);
        }
        else
        {
            using (File.Create(target))
            {
            }
        }
    }
}
