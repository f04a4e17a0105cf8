using System.Text;
using Microsoft.Win32.SafeHandles;
using Minato.Engine.Linux.Interop;
using static Minato.Engine.Linux.Interop.LinuxConstants;

namespace Minato.Engine.Linux;

/// <summary>A directory descriptor and filesystem operations that cannot leave it.</summary>
/// <remarks>
/// Paths are relative, '/'-separated and clean (no empty, '.' or '..' components; "" is the root itself).
/// The parent of every path is resolved by openat2(2) with RESOLVE_IN_ROOT, so a symlink met on the way is
/// followed as if the root were '/' and can never lead out of it; the last component is never followed.
/// </remarks>
public sealed unsafe partial class RootedDirectory : IDisposable
{
    private const ulong Resolve = ResolveInRoot | ResolveNoMagicLinks | ResolveNoXdev;

    private readonly SafeFileHandle root;

    private RootedDirectory(SafeFileHandle root, string hostPath)
    {
        this.root = root;
        HostPath = hostPath;
    }

    /// <summary>The host path the root was opened from; for messages only, never for access.</summary>
    public string HostPath { get; }

    /// <summary>Opens an existing directory given by a trusted host path (chosen by the daemon, not by an image).</summary>
    public static RootedDirectory Open(string hostPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostPath);
        FileHandleOperations.RejectNul(hostPath);
        var fd = Libc.OpenatCwd(AtFdCwd, hostPath, ORdOnly | ODirectory | OCloExec, 0);
        SyscallException.ThrowIfFailed(fd, "openat", hostPath);
        return new RootedDirectory(new SafeFileHandle(fd, ownsHandle: true), hostPath);
    }

    /// <summary>Opens a directory inside the root, following symlinks only within it (all components, the last included).</summary>
    public SafeFileHandle OpenDirectory(string path)
    {
        CheckPath(path, allowRoot: true);
        var bytes = Encoding.UTF8.GetBytes((path.Length == 0 ? "." : path) + "\0");
        var how = new OpenHow { Flags = (ulong)(ORdOnly | ODirectory | OCloExec), Resolve = Resolve };
        long fd;
        fixed (byte* p = bytes)
        {
            fd = Libc.Openat2(Libc.SysOpenat2, root, p, &how, (nuint)sizeof(OpenHow));
        }

        if (fd < 0)
        {
            var error = SyscallException.FromLastError("openat2", path);
            throw error.Errno == ENoSys
                ? new PlatformNotSupportedException("openat2(2) is required (Linux 5.6 or later).", error)
                : error;
        }

        return new SafeFileHandle((nint)fd, ownsHandle: true);
    }

    /// <summary>Creates <paramref name="path"/> and any missing parents (mode 0755); an existing directory is fine.</summary>
    /// <remarks>
    /// Walks down one component at a time from the directory above, so a deep path costs linear, not quadratic, work;
    /// only a component that is a symlink is resolved again from the root, to keep the in-root semantics.
    /// </remarks>
    /// <param name="path">The clean relative path.</param>
    /// <param name="owner">When set, the owner of each directory this call creates (existing ones keep theirs).</param>
    public void CreateDirectoryAll(string path, (uint Uid, uint Gid)? owner = null)
    {
        CheckPath(path, allowRoot: true);
        var prefix = "";
        var current = OpenDirectory(prefix);
        try
        {
            foreach (var component in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (Libc.Mkdirat(current, component, 0x1ED) < 0)
                {
                    if (SyscallException.FromLastError("mkdirat", path) is { Errno: not EExist } error)
                    {
                        throw error;
                    }
                }
                else if (owner is { } ids)
                {
                    SyscallException.ThrowIfFailed(Libc.Fchownat(current, component, ids.Uid, ids.Gid, AtSymlinkNoFollow), "fchownat", path);
                }

                prefix = prefix.Length == 0 ? component : $"{prefix}/{component}";
                var fd = Libc.Openat(current, component, ORdOnly | ODirectory | ONoFollow | OCloExec, 0);
                var next = fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : OpenDirectory(prefix);
                current.Dispose();
                current = next;
            }
        }
        finally
        {
            current.Dispose();
        }
    }

    /// <summary>The status of the entry itself (a symlink is not followed); null when it or a parent does not exist.</summary>
    public FileStatus? GetStatus(string path)
    {
        if (path.Length == 0)
        {
            return root.GetStatus();
        }

        try
        {
            using var parent = OpenParent(path, out var name);
            return StatusIn(parent, name, path);
        }
        catch (SyscallException e) when (e.Errno is ENoEnt or ENotDir)
        {
            return null;
        }
    }

    /// <summary>Removes a non-directory or an empty directory; false when nothing was there.</summary>
    public bool Remove(string path)
    {
        using var parent = OpenParent(path, out var name);
        if (StatusIn(parent, name, path) is not { } status)
        {
            return false;
        }

        var result = Libc.Unlinkat(parent, name, status.IsDirectory ? AtRemoveDir : 0);
        SyscallException.ThrowIfFailed(result, "unlinkat", path);
        return true;
    }

    /// <summary>Creates a directory (mode 0700 until the caller sets the real one); the parent must exist.</summary>
    public void CreateDirectory(string path)
    {
        using var parent = OpenParent(path, out var name);
        SyscallException.ThrowIfFailed(Libc.Mkdirat(parent, name, 0x1C0), "mkdirat", path);
    }

    /// <summary>Opens a directory for metadata changes; fails if the last component is a symlink or not a directory.</summary>
    public SafeFileHandle OpenDirectoryNoFollow(string path)
    {
        if (path.Length == 0)
        {
            return OpenDirectory(path);
        }

        using var parent = OpenParent(path, out var name);
        return OpenIn(parent, name, ORdOnly | ODirectory | ONoFollow | OCloExec, 0, path);
    }

    /// <summary>Creates a new regular file (mode 0600, write-only); fails if anything already has the name.</summary>
    public SafeFileHandle CreateFile(string path)
    {
        using var parent = OpenParent(path, out var name);
        return OpenIn(parent, name, OWrOnly | OCreat | OExcl | ONoFollow | OCloExec, 0x180, path);
    }

    /// <summary>Opens an existing regular file for reading; fails if the last component is a symlink.</summary>
    public SafeFileHandle OpenFileForReading(string path)
    {
        using var parent = OpenParent(path, out var name);
        return OpenIn(parent, name, ORdOnly | ONoFollow | OCloExec, 0, path);
    }

    /// <summary>The target of the symlink at <paramref name="path"/>, as stored (at most 4095 bytes, as the kernel allows).</summary>
    public string ReadSymbolicLink(string path)
    {
        using var parent = OpenParent(path, out var name);
        var buffer = new byte[4096];
        nint length;
        fixed (byte* p = buffer)
        {
            length = Libc.Readlinkat(parent, name, p, (nuint)buffer.Length);
        }

        SyscallException.ThrowIfFailed(length, "readlinkat", path);
        return Encoding.UTF8.GetString(buffer, 0, (int)length);
    }

    /// <summary>Creates a symlink; the target is stored as given and only ever resolved inside a container.</summary>
    public void CreateSymbolicLink(string path, string target)
    {
        FileHandleOperations.RejectNul(target);
        using var parent = OpenParent(path, out var name);
        SyscallException.ThrowIfFailed(Libc.Symlinkat(target, parent, name), "symlinkat", path);
    }

    /// <summary>Creates a hard link at <paramref name="path"/> to the existing entry <paramref name="existingPath"/>, itself not followed.</summary>
    public void CreateHardLink(string path, string existingPath)
    {
        using var oldParent = OpenParent(existingPath, out var oldName);
        using var newParent = OpenParent(path, out var newName);
        SyscallException.ThrowIfFailed(Libc.Linkat(oldParent, oldName, newParent, newName, 0), "linkat", path);
    }

    /// <summary>Creates a character or block device or a FIFO; <paramref name="mode"/> holds the file type bits.</summary>
    public void CreateNode(string path, uint mode, uint major, uint minor)
    {
        var type = mode & SIfMt;
        if (type is not (SIfChr or SIfBlk or SIfIfo))
        {
            throw new ArgumentException("Only devices and FIFOs are created with mknodat.", nameof(mode));
        }

        using var parent = OpenParent(path, out var name);
        var result = Libc.Mknodat(parent, name, type, MakeDev(major, minor));
        SyscallException.ThrowIfFailed(result, "mknodat", path);
    }

    /// <summary>syncfs(2) on the root's filesystem: data and metadata of everything written below it reach the disk.</summary>
    public void SyncFileSystem() => SyscallException.ThrowIfFailed(Libc.Syncfs(root), "syncfs", HostPath);

    public void Dispose() => root.Dispose();

    private SafeFileHandle OpenParent(string path, out string name)
    {
        CheckPath(path, allowRoot: false);
        var slash = path.LastIndexOf('/');
        name = path[(slash + 1)..];
        return OpenDirectory(slash < 0 ? "" : path[..slash]);
    }

    private static SafeFileHandle OpenIn(SafeFileHandle parent, string name, int flags, uint mode, string path)
    {
        var fd = Libc.Openat(parent, name, flags, mode);
        SyscallException.ThrowIfFailed(fd, "openat", path);
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    private static FileStatus? StatusIn(SafeFileHandle parent, string name, string path)
    {
        Statx buffer;
        if (Libc.Statx(parent, name, AtSymlinkNoFollow, StatxBasicStats, &buffer) == 0)
        {
            return FileHandleOperations.ToStatus(in buffer);
        }

        var error = SyscallException.FromLastError("statx", path);
        return error.Errno == ENoEnt ? null : throw error;
    }

    /// <summary>Callers clean paths first; this is the backstop that keeps a bug from becoming an escape.</summary>
    private static void CheckPath(string path, bool allowRoot)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 ? !allowRoot : !IsClean(path))
        {
            throw new ArgumentException($"'{path}' is not a clean relative path inside the root.", nameof(path));
        }
    }

    private static bool IsClean(string path)
    {
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var part in path.Split('/'))
        {
            if (part is "" or "." or "..")
            {
                return false;
            }
        }

        return true;
    }
}
