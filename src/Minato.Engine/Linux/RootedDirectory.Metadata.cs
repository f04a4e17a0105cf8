using System.Globalization;
using Minato.Engine.Linux.Interop;
using static Minato.Engine.Linux.Interop.LinuxConstants;

namespace Minato.Engine.Linux;

/// <summary>Metadata changes by path for entries that cannot be opened for writing (symlinks, devices, FIFOs).</summary>
public sealed unsafe partial class RootedDirectory
{
    /// <summary>fchownat(2) with AT_SYMLINK_NOFOLLOW: a symlink gets the owner itself.</summary>
    public void ChangeOwner(string path, uint uid, uint gid)
    {
        using var parent = OpenParent(path, out var name);
        SyscallException.ThrowIfFailed(Libc.Fchownat(parent, name, uid, gid, AtSymlinkNoFollow), "fchownat", path);
    }

    /// <summary>utimensat(2) with AT_SYMLINK_NOFOLLOW: access and modification time both set to <paramref name="time"/>.</summary>
    public void SetTimes(string path, UnixTimestamp time)
    {
        using var parent = OpenParent(path, out var name);
        var times = stackalloc Timespec[2];
        times[0] = times[1] = new Timespec { Seconds = time.Seconds, Nanoseconds = time.Nanoseconds };
        SyscallException.ThrowIfFailed(Libc.Utimensat(parent, name, times, AtSymlinkNoFollow), "utimensat", path);
    }

    /// <summary>Sets permission bits without following a symlink; a symlink is left alone, Linux ignores its mode.</summary>
    /// <remarks>
    /// fchmodat(2) has no working AT_SYMLINK_NOFOLLOW before fchmodat2 (Linux 6.6) and fchmod(2) refuses O_PATH
    /// descriptors, while a device or FIFO must not be opened for real (that has side effects or blocks). So the entry
    /// is pinned with O_PATH|O_NOFOLLOW, its type checked on that descriptor, and chmod goes through the descriptor's
    /// /proc/self/fd link, which names exactly that inode.
    /// </remarks>
    public void ChangeMode(string path, uint permissions)
    {
        using var parent = OpenParent(path, out var name);
        using var pinned = OpenIn(parent, name, OPath | ONoFollow | OCloExec, 0, path);
        if (pinned.GetStatus().IsSymbolicLink)
        {
            return;
        }

        var link = "/proc/self/fd/" + pinned.DangerousGetHandle().ToInt32().ToString(CultureInfo.InvariantCulture);
        SyscallException.ThrowIfFailed(Libc.Chmod(link, permissions & 0xFFF), "chmod", path);
    }
}
