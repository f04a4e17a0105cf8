using Microsoft.Win32.SafeHandles;
using Minato.Engine.Linux.Interop;
using static Minato.Engine.Linux.Interop.LinuxConstants;

namespace Minato.Engine.Linux;

/// <summary>Metadata calls on an open descriptor: they act on exactly the inode the handle holds, so no path is resolved.</summary>
public static unsafe class FileHandleOperations
{
    /// <summary>fchown(2). Run before <see cref="ChangeMode"/>: the kernel clears setuid and setgid on chown.</summary>
    public static void ChangeOwner(this SafeFileHandle handle, uint uid, uint gid) =>
        SyscallException.ThrowIfFailed(Libc.Fchown(handle, uid, gid), "fchown");

    /// <summary>fchmod(2) with the permission bits only (setuid, setgid, sticky and rwx).</summary>
    public static void ChangeMode(this SafeFileHandle handle, uint permissions) =>
        SyscallException.ThrowIfFailed(Libc.Fchmod(handle, permissions & 0xFFF), "fchmod");

    /// <summary>futimens(2): access and modification time both set to <paramref name="time"/>.</summary>
    public static void SetTimes(this SafeFileHandle handle, UnixTimestamp time)
    {
        var times = stackalloc Timespec[2];
        times[0] = times[1] = new Timespec { Seconds = time.Seconds, Nanoseconds = time.Nanoseconds };
        SyscallException.ThrowIfFailed(Libc.Futimens(handle, times), "futimens");
    }

    /// <summary>fsetxattr(2); the handle must be a real open file or directory, not an O_PATH one.</summary>
    public static void SetExtendedAttribute(this SafeFileHandle handle, string name, ReadOnlySpan<byte> value)
    {
        RejectNul(name);
        fixed (byte* p = value)
        {
            SyscallException.ThrowIfFailed(Libc.Fsetxattr(handle, name, p, (nuint)value.Length, 0), "fsetxattr", name);
        }
    }

    /// <summary>fgetxattr(2); null when the attribute is not set.</summary>
    public static byte[]? GetExtendedAttribute(this SafeFileHandle handle, string name)
    {
        RejectNul(name);
        var buffer = new byte[65536];
        fixed (byte* p = buffer)
        {
            var length = Libc.Fgetxattr(handle, name, p, (nuint)buffer.Length);
            if (length < 0)
            {
                var error = SyscallException.FromLastError("fgetxattr", name);
                return error.Errno == ENoData ? null : throw error;
            }

            return buffer.AsSpan(0, (int)length).ToArray();
        }
    }

    /// <summary>flistxattr(2): the names of the attributes set on the open file (at most 64 KiB of names).</summary>
    public static IReadOnlyList<string> ListExtendedAttributes(this SafeFileHandle handle)
    {
        var buffer = new byte[65536];
        fixed (byte* p = buffer)
        {
            var length = Libc.Flistxattr(handle, p, (nuint)buffer.Length);
            if (length < 0)
            {
                var error = SyscallException.FromLastError("flistxattr");
                return error.Errno == 95 /* EOPNOTSUPP */ ? [] : throw error;
            }

            return System.Text.Encoding.UTF8.GetString(buffer, 0, (int)length).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    /// <summary>statx(2) of the handle itself (AT_EMPTY_PATH), which also works on O_PATH handles.</summary>
    public static FileStatus GetStatus(this SafeFileHandle handle)
    {
        Statx buffer;
        SyscallException.ThrowIfFailed(Libc.Statx(handle, "", AtEmptyPath | AtSymlinkNoFollow, StatxBasicStats, &buffer), "statx");
        return ToStatus(in buffer);
    }

    /// <summary>fsync(2).</summary>
    public static void Sync(this SafeFileHandle handle) => SyscallException.ThrowIfFailed(Libc.Fsync(handle), "fsync");

    internal static FileStatus ToStatus(in Statx s) => new(
        s.Mode, s.Uid, s.Gid, (long)s.Size, s.NLink,
        new UnixTimestamp(s.MTimeSeconds, s.MTimeNanoseconds), s.RDevMajor, s.RDevMinor, s.Ino, ((ulong)s.DevMajor << 32) | s.DevMinor);

    /// <summary>The UTF-8 marshaller stops at NUL, which would silently shorten a name; refuse it instead.</summary>
    internal static void RejectNul(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A path or name passed to the kernel must not contain NUL.", nameof(value));
        }
    }
}
