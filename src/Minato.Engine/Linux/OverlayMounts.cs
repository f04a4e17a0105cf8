using System.Globalization;
using System.Text;
using Minato.Engine.Linux.Interop;
using Minato.Engine.Linux.Namespaces;
using static Minato.Engine.Linux.Interop.NamespaceCalls;

namespace Minato.Engine.Linux;

/// <summary>The operating-system boundary for container root filesystems: overlay mounts of image layers.</summary>
public interface IOverlayMounts
{
    /// <summary>Mounts an overlay at <paramref name="target"/>: <paramref name="lowerDirectories"/> top layer first. With
    /// <paramref name="idMap"/> the lower layers are id-mapped through its user namespace (the namespace's root sees
    /// the image's files as its own; nothing is chowned) and the upper and work directories belong to its root.</summary>
    void MountOverlay(string target, IReadOnlyList<string> lowerDirectories, string upperDirectory, string workDirectory, MountIdMap? idMap = null);

    /// <summary>Mounts a read-only overlay (no upper dir; <c>ro,nosuid,nodev,noexec</c>) of <paramref name="lowerDirectories"/>,
    /// top layer first, at <paramref name="target"/>: an image's layers shown as they are, with nothing copied; with
    /// <paramref name="idMap"/> the layers are id-mapped through its user namespace.</summary>
    void MountReadOnlyOverlay(string target, IReadOnlyList<string> lowerDirectories, MountIdMap? idMap = null);

    /// <summary>Attaches at <paramref name="target"/> (created like the source: a directory, else a file) a recursive clone of
    /// <paramref name="source"/> id-mapped through the user namespace <paramref name="userNamespace"/>.</summary>
    /// <exception cref="IOException">The source's filesystem cannot be id-mapped, or the source is missing.</exception>
    void BindIdMapped(string source, string target, string userNamespace);

    /// <summary>Detaches whatever is mounted at <paramref name="target"/>; succeeds when nothing is.</summary>
    void Unmount(string target);

    /// <summary>True when something is mounted exactly at <paramref name="target"/>.</summary>
    bool IsMounted(string target);
}

/// <summary>Overlay mounts through mount(2).</summary>
public sealed class LinuxOverlayMounts : IOverlayMounts
{
    /// <summary>mount(2) copies at most one page of option data.</summary>
    private const int MountDataLimit = 4096;

    public void MountOverlay(string target, IReadOnlyList<string> lowerDirectories, string upperDirectory, string workDirectory, MountIdMap? idMap = null)
    {
        CheckLowers(lowerDirectories);
        Directory.CreateDirectory(target);
        Directory.CreateDirectory(upperDirectory);
        Directory.CreateDirectory(workDirectory);
        if (idMap is { RootUid: { } uid, RootGid: { } gid })
        {
            // Only the two new, empty directories change owner, never a layer: the overlay's root directory is the upper
            // one's, and the namespace's root writes there as its host ids.
            ChangeOwner(upperDirectory, uid, gid);
            ChangeOwner(workDirectory, uid, gid);
        }

        // index=off: the upper dir outlives the mount across restarts, and a re-mount must not trip on a stale index.
        var rest = $",upperdir={upperDirectory},workdir={workDirectory},index=off";
        var links = Path.Combine(Path.GetDirectoryName(workDirectory) ?? workDirectory, "lower");
        WithIdMappedLayers(target, lowerDirectories, idMap, lowers => Mount(target, lowers, rest, MsNoDev, links));
    }

    public void MountReadOnlyOverlay(string target, IReadOnlyList<string> lowerDirectories, MountIdMap? idMap = null)
    {
        CheckLowers(lowerDirectories);
        Directory.CreateDirectory(target);

        // Without an upper dir overlayfs wants two lower dirs at least: a one-layer image gets an empty one below it.
        var lowers = lowerDirectories;
        if (lowers.Count < 2)
        {
            var empty = target + ".empty";
            Directory.CreateDirectory(empty);
            lowers = [.. lowers, empty];
        }

        WithIdMappedLayers(target, lowers, idMap, mapped => Mount(target, mapped, string.Empty, MsRdOnly | MsNoSuid | MsNoDev | MsNoExec, target + ".lower"));
    }

    public void BindIdMapped(string source, string target, string userNamespace)
    {
        IdMappedMounts.CreateTarget(source, target);
        IdMappedMounts.Attach(source, target, userNamespace, recursive: true);
    }

    /// <summary>Runs <paramref name="mount"/> with the lower directories it should stack: as given, or (with
    /// <paramref name="idMap"/>) id-mapped clones attached under <c>&lt;target&gt;.idmap</c> for the time of the mount only.
    /// overlayfs itself cannot be id-mapped, but it stacks id-mapped layers and keeps private clones of them, so the
    /// clones are detached right after.</summary>
    private static void WithIdMappedLayers(string target, IReadOnlyList<string> lowerDirectories, MountIdMap? idMap, Action<IReadOnlyList<string>> mount)
    {
        if (idMap is null)
        {
            mount(lowerDirectories);
            return;
        }

        var staging = target + ".idmap";
        IdMappedMounts.DetachAll(staging);
        Directory.CreateDirectory(staging);
        try
        {
            var mapped = new List<string>(lowerDirectories.Count);
            for (var i = 0; i < lowerDirectories.Count; i++)
            {
                var layer = Path.Combine(staging, i.ToString(CultureInfo.InvariantCulture));
                Directory.CreateDirectory(layer);
                IdMappedMounts.Attach(lowerDirectories[i], layer, idMap.UserNamespace, recursive: false);
                mapped.Add(layer);
            }

            mount(mapped);
        }
        finally
        {
            IdMappedMounts.DetachAll(staging);
        }
    }

    private static void ChangeOwner(string path, uint uid, uint gid)
    {
        if (MountApiCalls.Lchown(path, uid, gid) != 0)
        {
            throw SyscallException.FromLastError("lchown", path);
        }
    }

    private static void CheckLowers(IReadOnlyList<string> lowerDirectories)
    {
        if (lowerDirectories.Count == 0 || lowerDirectories.Any(d => d.Contains(',', StringComparison.Ordinal) || d.Contains(':', StringComparison.Ordinal)))
        {
            throw new ArgumentException("overlay lower directories must be given and free of ',' and ':'", nameof(lowerDirectories));
        }
    }

    /// <summary>Mounts overlayfs at <paramref name="target"/> with mount <paramref name="flags"/> over
    /// <paramref name="lowerDirectories"/>; <paramref name="rest"/> holds the options after <c>lowerdir=</c> (each after a
    /// comma), and <paramref name="links"/> the short positional links when the full paths overflow the mount data.</summary>
    private static void Mount(string target, IReadOnlyList<string> lowerDirectories, string rest, ulong flags, string links)
    {
        var data = $"lowerdir={string.Join(':', lowerDirectories)}{rest}";
        if (Encoding.UTF8.GetByteCount(data) < MountDataLimit)
        {
            Mount(target, data, flags);
            return;
        }

        // The kernel takes one page of mount options: about 40 layers at full snapshot paths. Short symlinks named
        // by position, resolved relative to a thread-private working directory, make that several hundred.
        if (Directory.Exists(links))
        {
            Directory.Delete(links, recursive: true);
        }

        Directory.CreateDirectory(links);
        for (var i = 0; i < lowerDirectories.Count; i++)
        {
            File.CreateSymbolicLink(Path.Combine(links, i.ToString(CultureInfo.InvariantCulture)), lowerDirectories[i]);
        }

        var shortData = $"lowerdir={string.Join(':', Enumerable.Range(0, lowerDirectories.Count))}{rest}";
        if (Encoding.UTF8.GetByteCount(shortData) >= MountDataLimit)
        {
            throw new ArgumentException($"{lowerDirectories.Count} layers do not fit in one overlay mount", nameof(lowerDirectories));
        }

        DedicatedThread.RunAsync("overlay-mount", () =>
        {
            // CLONE_FS gives this thread its own working directory; the rest of the daemon keeps its own.
            if (Unshare(CloneFs) != 0)
            {
                throw SyscallException.FromLastError("unshare(CLONE_FS)", links);
            }

            if (Chdir(links) != 0)
            {
                throw SyscallException.FromLastError("chdir", links);
            }

            Mount(target, shortData, flags);
            return true;
        }).GetAwaiter().GetResult();
    }

    private static void Mount(string target, string data, ulong flags)
    {
        if (NamespaceCalls.Mount("overlay", target, "overlay", flags, data) != 0)
        {
            throw SyscallException.FromLastError("mount(overlay)", target);
        }
    }

    public void Unmount(string target)
    {
        LinuxMounts.Detach(target);

        // Id-mapped layers left attached by a daemon killed in the middle of a mount.
        IdMappedMounts.DetachAll(target + ".idmap");
    }

    public bool IsMounted(string target)
    {
        var escaped = target.Replace(" ", "\\040", StringComparison.Ordinal);
        return File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ') is { Length: > 4 } f && f[4] == escaped);
    }
}
