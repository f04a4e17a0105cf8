using System.Text;
using Microsoft.Win32.SafeHandles;
using Minato.Engine.Linux.Interop;
using static Minato.Engine.Linux.Interop.LinuxConstants;

namespace Minato.Engine.Linux;

/// <summary>How a path below a directory resolved.</summary>
public enum BeneathResolution
{
    /// <summary>It exists below the directory.</summary>
    Found,

    /// <summary>It (or a directory on the way) does not exist.</summary>
    Missing,

    /// <summary>Resolving it would leave the directory ('..' above it, an absolute or escaping symlink, a magic link,
    /// another mount) or met a symlink loop.</summary>
    Escapes,
}

/// <summary>Resolves a path inside a directory with openat2(2) RESOLVE_BENEATH: symlinks are followed, but only while
/// they stay below the directory; the kernel refuses every way out instead of clamping it.</summary>
public static unsafe class BeneathPath
{
    private const ulong Resolve = ResolveBeneath | ResolveNoMagicLinks | ResolveNoXdev;

    /// <summary>Resolves <paramref name="path"/> (relative) below the trusted host directory <paramref name="root"/>.</summary>
    /// <returns>The outcome and, when found, the canonical host path it names (a host path, for a bind mount source).</returns>
    public static (BeneathResolution Result, string HostPath) Find(string root, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(path);
        FileHandleOperations.RejectNul(root);
        FileHandleOperations.RejectNul(path);
        if (path.StartsWith('/'))
        {
            return (BeneathResolution.Escapes, string.Empty);
        }

        var rootFd = Libc.OpenatCwd(AtFdCwd, root, OPath | ODirectory | OCloExec, 0);
        SyscallException.ThrowIfFailed(rootFd, "openat", root);
        using var rootHandle = new SafeFileHandle(rootFd, ownsHandle: true);
        var bytes = Encoding.UTF8.GetBytes((path.Length == 0 ? "." : path) + "\0");
        var how = new OpenHow { Flags = (ulong)(OPath | OCloExec), Resolve = Resolve };
        long fd;
        fixed (byte* p = bytes)
        {
            fd = Libc.Openat2(Libc.SysOpenat2, rootHandle, p, &how, (nuint)sizeof(OpenHow));
        }

        if (fd < 0)
        {
            var error = SyscallException.FromLastError("openat2", path);
            return error.Errno switch
            {
                ENoEnt or ENotDir => (BeneathResolution.Missing, string.Empty),
                EXDev or ELoop => (BeneathResolution.Escapes, string.Empty),
                ENoSys => throw new PlatformNotSupportedException("openat2(2) is required (Linux 5.6 or later).", error),
                _ => throw error,
            };
        }

        using var handle = new SafeFileHandle((nint)fd, ownsHandle: true);
        var canonicalRoot = PathOf(rootHandle, root);
        var found = PathOf(handle, path);

        // The kernel already kept it below; this is the backstop that keeps a bug from becoming an escape.
        if (found != canonicalRoot && !found.StartsWith(canonicalRoot.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            return (BeneathResolution.Escapes, string.Empty);
        }

        return (BeneathResolution.Found, found);
    }

    private static string PathOf(SafeFileHandle handle, string path) =>
        new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget
        ?? throw new IOException($"cannot read the path of the descriptor opened for \"{path}\"");
}
