using Minato.Engine.Linux;

namespace Minato.Engine.Containers;

/// <summary>Creates directories inside a container's rootfs without ever leaving it.</summary>
public static class RootfsDirectories
{
    /// <summary>Creates each path (clean, relative) with missing parents, resolving symlinks as if the rootfs were '/':
    /// a VOLUME that is a symlink to '/' names the rootfs itself, never a host directory.</summary>
    public static void Create(string rootfsPath, IEnumerable<string> paths)
    {
        using var root = RootedDirectory.Open(rootfsPath);
        foreach (var path in paths)
        {
            root.CreateDirectoryAll(path);
        }
    }
}
