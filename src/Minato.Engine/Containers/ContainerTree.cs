using Microsoft.Win32.SafeHandles;
using Minato.Engine.Linux;

namespace Minato.Engine.Containers;

/// <summary>A directory mounted into a container: where it appears (a clean path below the container's root), its host
/// directory, and whether the container may write it.</summary>
public sealed record TreeMount(string Destination, string HostPath, bool ReadOnly);

/// <summary>A container's filesystem as its processes see it, rebuilt from the host: the rootfs with directory mounts
/// (volumes, bind mounts) laid over it. Each path is served by the deepest mount holding it, through that mount's
/// <see cref="RootedDirectory"/>, so nothing resolves outside the rootfs or a mount's own directory.</summary>
public sealed class ContainerTree : IDisposable
{
    private readonly RootedDirectory _rootfs;
    private readonly List<(TreeMount Mount, RootedDirectory Root)> _mounts;

    private ContainerTree(RootedDirectory rootfs, List<(TreeMount Mount, RootedDirectory Root)> mounts)
    {
        _rootfs = rootfs;
        _mounts = mounts;
    }

    /// <summary>The rootfs alone (what <c>docker export</c> shows).</summary>
    public static ContainerTree RootfsOnly(RootedDirectory rootfs) => new(rootfs, []);

    /// <summary>The rootfs with <paramref name="mounts"/> over it; a mount whose host directory is missing is left out,
    /// as the rootfs is what shows there then.</summary>
    public static ContainerTree Open(RootedDirectory rootfs, IEnumerable<TreeMount> mounts)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        var opened = new List<(TreeMount, RootedDirectory)>();
        try
        {
            foreach (var mount in mounts.Where(m => m.Destination.Length > 0 && Directory.Exists(m.HostPath)))
            {
                opened.Add((mount, RootedDirectory.Open(mount.HostPath)));
            }
        }
        catch
        {
            opened.ForEach(m => m.Item2.Dispose());
            rootfs.Dispose();
            throw;
        }

        // Deepest first: the first match is the mount a path is in.
        opened.Sort((a, b) => b.Item1.Destination.Length.CompareTo(a.Item1.Destination.Length));
        return new ContainerTree(rootfs, opened);
    }

    /// <summary>The directory that holds <paramref name="path"/> and the path inside it; <c>ReadOnly</c> when a read-only
    /// mount holds it.</summary>
    public (RootedDirectory Root, string Path, bool ReadOnly) Locate(string path)
    {
        foreach (var (mount, root) in _mounts)
        {
            if (path == mount.Destination)
            {
                return (root, string.Empty, mount.ReadOnly);
            }

            if (path.StartsWith(mount.Destination + "/", StringComparison.Ordinal))
            {
                return (root, path[(mount.Destination.Length + 1)..], mount.ReadOnly);
            }
        }

        return (_rootfs, path, false);
    }

    /// <summary>The entry's status, a symlink not followed; null when there is none.</summary>
    public FileStatus? GetStatus(string path)
    {
        var (root, inner, _) = Locate(path);
        return root.GetStatus(inner);
    }

    /// <summary>The target of the symlink at <paramref name="path"/>.</summary>
    public string ReadSymbolicLink(string path)
    {
        var (root, inner, _) = Locate(path);
        return root.ReadSymbolicLink(inner);
    }

    /// <summary>The names in the directory at <paramref name="path"/>, with the mount points directly below it.</summary>
    public IReadOnlyList<string> List(string path, int maxEntries)
    {
        var (root, inner, _) = Locate(path);
        var names = root.List(inner, maxEntries).ToHashSet(StringComparer.Ordinal);
        var prefix = path.Length == 0 ? string.Empty : path + "/";
        foreach (var (mount, _) in _mounts)
        {
            if (mount.Destination.StartsWith(prefix, StringComparison.Ordinal) && !mount.Destination[prefix.Length..].Contains('/', StringComparison.Ordinal))
            {
                names.Add(mount.Destination[prefix.Length..]);
            }
        }

        return names.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Opens the regular file at <paramref name="path"/> for reading.</summary>
    public SafeFileHandle OpenRegularFileForReading(string path)
    {
        var (root, inner, _) = Locate(path);
        return root.OpenRegularFileForReading(inner);
    }

    public void Dispose()
    {
        foreach (var (_, root) in _mounts)
        {
            root.Dispose();
        }

        _rootfs.Dispose();
    }
}
