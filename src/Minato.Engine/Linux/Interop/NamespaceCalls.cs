using System.Runtime.InteropServices;

namespace Minato.Engine.Linux.Interop;

/// <summary>libc entry points for namespaces, mounts and the few socket ioctls pod set-up needs.</summary>
internal static unsafe partial class NamespaceCalls
{
    private const string LibraryName = "libc";

    public const int CloneFs = 0x00000200;
    public const int CloneNewNs = 0x00020000;
    public const int CloneNewUts = 0x04000000;
    public const int CloneNewIpc = 0x08000000;
    public const int CloneNewUser = 0x10000000;
    public const int CloneNewPid = 0x20000000;
    public const int CloneNewNet = 0x40000000;

    public const ulong MsRdOnly = 0x1;
    public const ulong MsNoSuid = 0x2;
    public const ulong MsNoDev = 0x4;
    public const ulong MsNoExec = 0x8;
    public const ulong MsBind = 0x1000;
    public const ulong MsPrivate = 1 << 18;
    public const ulong MsShared = 1 << 20;

    public const int MntDetach = 0x2;
    public const int UmountNoFollow = 0x8;

    public const int EInval = 22;
    public const int EPerm = 1;
    public const int ESrch = 3;

    [LibraryImport(LibraryName, EntryPoint = "unshare", SetLastError = true)]
    internal static partial int Unshare(int flags);

    [LibraryImport(LibraryName, EntryPoint = "chdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Chdir(string path);

    [LibraryImport(LibraryName, EntryPoint = "setns", SetLastError = true)]
    internal static partial int Setns(int fd, int nstype);

    [LibraryImport(LibraryName, EntryPoint = "sethostname", SetLastError = true)]
    internal static partial int Sethostname(byte* name, nuint length);

    [LibraryImport(LibraryName, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Mount(string? source, string target, string? fileSystemType, ulong flags, string? data);

    [LibraryImport(LibraryName, EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Umount2(string target, int flags);

    [LibraryImport(LibraryName, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport(LibraryName, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport(LibraryName, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(LibraryName, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, ulong request, void* argument);

    [LibraryImport(LibraryName, EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Statfs(string path, StatfsBuffer* buffer);

    [LibraryImport(LibraryName, EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Statvfs(string path, StatvfsBuffer* buffer);

    [LibraryImport(LibraryName, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}

/// <summary>struct statfs on 64-bit Linux: only the leading filesystem type is read.</summary>
[StructLayout(LayoutKind.Sequential, Size = 120)]
internal struct StatfsBuffer
{
    public long Type;
}

/// <summary>struct statvfs on 64-bit Linux (glibc): the leading counters are read.</summary>
[StructLayout(LayoutKind.Sequential, Size = 112)]
internal struct StatvfsBuffer
{
    public ulong BlockSize;
    public ulong FragmentSize;
    public ulong Blocks;
    public ulong BlocksFree;
    public ulong BlocksAvailable;
}
