using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Minato.Engine.Errors;
using Minato.Engine.Linux;
using Minato.Engine.Linux.Interop;
using static Minato.Engine.Linux.Interop.LinuxConstants;

namespace Minato.Engine.Oci;

/// <summary>Reads small regular files inside a directory an untrusted party filled (a container rootfs, a profile dir).</summary>
/// <remarks>
/// The path is resolved by openat2(2) with RESOLVE_IN_ROOT, so every symlink on the way, the last included, is
/// followed as if the directory were '/': an image's <c>/etc/passwd -&gt; /etc/shadow</c> names the image's own
/// file, never the host's. Magic links (<c>/proc/self/fd/N</c>) and mount crossings are refused. The entry is first
/// pinned with O_PATH and must be a regular file before it is opened for reading, so a FIFO or a device node planted
/// under the name is never opened (that could block the daemon or act on a host device).
/// </remarks>
public static unsafe class RootfsFile
{
    private const ulong Resolve = ResolveInRoot | ResolveNoMagicLinks | ResolveNoXdev;

    /// <summary>The file's bytes, or null when it does not exist (or cannot exist inside the root, such as a
    /// symlink loop or a name that is not a regular file).</summary>
    /// <param name="root">A trusted host directory chosen by the daemon.</param>
    /// <param name="path">A path inside the root; leading '/' is allowed, '..' cannot climb above the root.</param>
    /// <param name="maxBytes">Larger files are refused rather than read.</param>
    /// <exception cref="InvalidInputException">The file is larger than <paramref name="maxBytes"/>.</exception>
    public static byte[]? Read(string root, string path, int maxBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (root.Contains('\0', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidInputException($"path \"{path.Replace("\0", "\\0", StringComparison.Ordinal)}\" contains NUL");
        }

        var rootFd = Libc.OpenatCwd(AtFdCwd, root, ORdOnly | ODirectory | OCloExec, 0);
        SyscallException.ThrowIfFailed(rootFd, "openat", root);
        using var rootHandle = new SafeFileHandle(rootFd, ownsHandle: true);
        using var pinned = Open(rootHandle, path.TrimStart('/'));
        if (pinned is null || pinned.GetStatus() is not { IsRegularFile: true } status)
        {
            return null;
        }

        return ReadPinned(pinned, status, $"{path} in {root}", maxBytes);
    }

    /// <summary>
    /// The bytes of a regular file at an absolute host path a caller names (a seccomp profile the kubelet resolved),
    /// symlinks followed as the host sees them. Refused with a message naming the file and what is wrong: missing,
    /// not a regular file (a FIFO or device is never opened for reading), or larger than <paramref name="maxBytes"/>.
    /// </summary>
    /// <param name="what">How the file is named in messages, e.g. <c>seccomp profile</c>.</param>
    /// <param name="path">The absolute host path.</param>
    /// <param name="maxBytes">Larger files are refused rather than read.</param>
    /// <exception cref="InvalidInputException">Not absolute, missing, not a regular file, or too large.</exception>
    public static byte[] ReadHostFile(string what, string path, int maxBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.StartsWith('/') || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidInputException($"{what} \"{path.Replace("\0", "\\0", StringComparison.Ordinal)}\" must be an absolute path without NUL");
        }

        var fd = Libc.OpenatCwd(AtFdCwd, path, OPath | OCloExec, 0);
        if (fd < 0)
        {
            var error = SyscallException.FromLastError("open", path);
            throw new InvalidInputException(error.Errno is ENoEnt or ENotDir
                ? $"{what} {path} does not exist"
                : $"{what} {path} cannot be opened: {error.Message}");
        }

        using var pinned = new SafeFileHandle(fd, ownsHandle: true);
        var status = pinned.GetStatus();
        if (!status.IsRegularFile)
        {
            throw new InvalidInputException($"{what} {path} is not a regular file{(status.IsDirectory ? " (it is a directory)" : "")}");
        }

        return ReadPinned(pinned, status, $"{what} {path}", maxBytes);
    }

    private static byte[] ReadPinned(SafeFileHandle pinned, FileStatus status, string name, int maxBytes)
    {
        if (status.Size > maxBytes)
        {
            throw new InvalidInputException($"{name} is {status.Size} bytes, more than the {maxBytes} allowed");
        }

        // Reopening through the descriptor's /proc/self/fd link opens exactly the pinned inode, with no new path walk.
        var link = "/proc/self/fd/" + pinned.DangerousGetHandle().ToInt32().ToString(CultureInfo.InvariantCulture);
        var fd = Libc.OpenatCwd(AtFdCwd, link, ORdOnly | OCloExec | ONonBlock, 0);
        SyscallException.ThrowIfFailed(fd, "open", name);
        using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        var buffer = new byte[maxBytes + 1];
        var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return length > maxBytes
            ? throw new InvalidInputException($"{name} grew past the {maxBytes} bytes allowed while being read")
            : buffer[..length];
    }

    /// <summary>Like <see cref="Read"/>, decoded as UTF-8.</summary>
    public static string? ReadText(string root, string path, int maxBytes) =>
        Read(root, path, maxBytes) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    private static SafeFileHandle? Open(SafeFileHandle root, string path)
    {
        var bytes = Encoding.UTF8.GetBytes((path.Length == 0 ? "." : path) + "\0");
        var how = new OpenHow { Flags = (ulong)(OPath | OCloExec), Resolve = Resolve };
        long fd;
        fixed (byte* p = bytes)
        {
            fd = Libc.Openat2(Libc.SysOpenat2, root, p, &how, (nuint)sizeof(OpenHow));
        }

        if (fd >= 0)
        {
            return new SafeFileHandle((nint)fd, ownsHandle: true);
        }

        var error = SyscallException.FromLastError("openat2", path);
        return error.Errno is ENoEnt or ENotDir or ELoop or EXDev ? null : throw error;
    }
}
