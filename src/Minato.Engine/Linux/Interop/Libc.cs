using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Minato.Engine.Linux.Interop;

/// <summary>The libc entry points the engine calls; every one sets errno, read with <see cref="Marshal.GetLastPInvokeError"/>.</summary>
/// <remarks>
/// Handles are passed as <see cref="SafeFileHandle"/> so a descriptor cannot be closed while a call uses it;
/// the C side declares <c>int</c>, which the 64-bit calling conventions pass in the low half of the register.
/// </remarks>
internal static unsafe partial class Libc
{
    private const string LibraryName = "libc";

    /// <summary>openat2(2) has no glibc wrapper on Debian 12; the number is the same on every architecture.</summary>
    internal const long SysOpenat2 = 437;

    [LibraryImport(LibraryName, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long Openat2(long number, SafeFileHandle dirfd, byte* path, OpenHow* how, nuint size);

    [LibraryImport(LibraryName, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Openat(SafeFileHandle dirfd, string path, int flags, uint mode);

    [LibraryImport(LibraryName, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int OpenatCwd(int dirfd, string path, int flags, uint mode);

    [LibraryImport(LibraryName, EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Mkdirat(SafeFileHandle dirfd, string path, uint mode);

    [LibraryImport(LibraryName, EntryPoint = "mknodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Mknodat(SafeFileHandle dirfd, string path, uint mode, ulong dev);

    [LibraryImport(LibraryName, EntryPoint = "symlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Symlinkat(string target, SafeFileHandle dirfd, string path);

    [LibraryImport(LibraryName, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Linkat(SafeFileHandle olddirfd, string oldpath, SafeFileHandle newdirfd, string newpath, int flags);

    [LibraryImport(LibraryName, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Unlinkat(SafeFileHandle dirfd, string path, int flags);

    [LibraryImport(LibraryName, EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Fchownat(SafeFileHandle dirfd, string path, uint uid, uint gid, int flags);

    [LibraryImport(LibraryName, EntryPoint = "fchown", SetLastError = true)]
    internal static partial int Fchown(SafeFileHandle fd, uint uid, uint gid);

    [LibraryImport(LibraryName, EntryPoint = "fchmod", SetLastError = true)]
    internal static partial int Fchmod(SafeFileHandle fd, uint mode);

    [LibraryImport(LibraryName, EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Chmod(string path, uint mode);

    [LibraryImport(LibraryName, EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Utimensat(SafeFileHandle dirfd, string path, Timespec* times, int flags);

    [LibraryImport(LibraryName, EntryPoint = "futimens", SetLastError = true)]
    internal static partial int Futimens(SafeFileHandle fd, Timespec* times);

    [LibraryImport(LibraryName, EntryPoint = "fsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Fsetxattr(SafeFileHandle fd, string name, byte* value, nuint size, int flags);

    [LibraryImport(LibraryName, EntryPoint = "fgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint Fgetxattr(SafeFileHandle fd, string name, byte* value, nuint size);

    [LibraryImport(LibraryName, EntryPoint = "flistxattr", SetLastError = true)]
    internal static partial nint Flistxattr(SafeFileHandle fd, byte* list, nuint size);

    [LibraryImport(LibraryName, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Statx(SafeFileHandle dirfd, string path, int flags, uint mask, Statx* buffer);

    [LibraryImport(LibraryName, EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint Readlinkat(SafeFileHandle dirfd, string path, byte* buffer, nuint size);

    [LibraryImport(LibraryName, EntryPoint = "fsync", SetLastError = true)]
    internal static partial int Fsync(SafeFileHandle fd);

    [LibraryImport(LibraryName, EntryPoint = "syncfs", SetLastError = true)]
    internal static partial int Syncfs(SafeFileHandle fd);
}
