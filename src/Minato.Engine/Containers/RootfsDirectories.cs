using Minato.Engine.Linux;

namespace Minato.Engine.Containers;

/// <summary>Creates directories inside a container's rootfs without ever leaving it.</summary>
public static class RootfsDirectories
{
    /// <summary>Creates each path (clean, relative) with missing parents, resolving symlinks as if the rootfs were '/':
    /// a VOLUME that is a symlink to '/' names the rootfs itself, never a host directory.</summary>
    /// <param name="rootfsPath">The mounted rootfs.</param>
    /// <param name="paths">Clean relative paths.</param>
    /// <param name="owner">The owner of new directories (a user-namespaced container's root, so it can write there); null for root.</param>
    public static void Create(string rootfsPath, IEnumerable<string> paths, (uint Uid, uint Gid)? owner = null)
    {
        using var root = RootedDirectory.Open(rootfsPath);
        foreach (var path in paths)
        {
            root.CreateDirectoryAll(path, owner);
        }
    }
}
