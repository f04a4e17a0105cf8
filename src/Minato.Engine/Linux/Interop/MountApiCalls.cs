using System.Runtime.InteropServices;

namespace Minato.Engine.Linux.Interop;

/// <summary>The new mount API (Linux 5.12+) for id-mapped mounts: <c>open_tree</c>, <c>mount_setattr</c>, <c>move_mount</c>.</summary>
/// <remarks>Called through <c>syscall</c>: the numbers are the same on every architecture (the unified table of the
/// calls added after 5.1), and older glibc releases have no wrappers.</remarks>
internal static unsafe partial class MountApiCalls
{
    private const string LibraryName = "libc";

    private const long SysOpenTree = 428;
    private const long SysMoveMount = 429;
    private const long SysMountSetattr = 442;

    public const uint OpenTreeClone = 1;
    public const uint AtRecursive = 0x8000;
    public const uint MoveMountFEmptyPath = 0x4;
    public const ulong MountAttrIdmap = 0x00100000;

    /// <summary>struct mount_attr (MOUNT_ATTR_SIZE_VER0, 32 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MountAttr
    {
        public ulong AttrSet;
        public ulong AttrClear;
        public ulong Propagation;
        public ulong UserNamespaceFd;
    }

    [LibraryImport(LibraryName, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long Syscall(long number, long dirfd, string path, ulong flags);

    [LibraryImport(LibraryName, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long Syscall(long number, long dirfd, string path, ulong flags, MountAttr* attr, nuint size);

    [LibraryImport(LibraryName, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long Syscall(long number, long fromDirfd, string fromPath, long toDirfd, string toPath, ulong flags);

    [LibraryImport(LibraryName, EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Lchown(string path, uint uid, uint gid);

    /// <summary>A detached clone of the mount at <paramref name="path"/> (with its submounts when <paramref name="recursive"/>).</summary>
    public static int OpenTree(string path, bool recursive) =>
        (int)Syscall(SysOpenTree, LinuxConstants.AtFdCwd, path, OpenTreeClone | LinuxConstants.OCloExec | (recursive ? AtRecursive : 0));

    /// <summary>Id-maps the detached mount <paramref name="mountFd"/> through the user namespace <paramref name="userNamespaceFd"/>.</summary>
    public static int SetIdMap(int mountFd, int userNamespaceFd, bool recursive)
    {
        var attr = new MountAttr { AttrSet = MountAttrIdmap, UserNamespaceFd = (ulong)userNamespaceFd };
        return (int)Syscall(SysMountSetattr, mountFd, string.Empty, LinuxConstants.AtEmptyPath | (recursive ? AtRecursive : 0), &attr, (nuint)sizeof(MountAttr));
    }

    /// <summary>Attaches the detached mount <paramref name="mountFd"/> at <paramref name="target"/>.</summary>
    public static int MoveMount(int mountFd, string target) =>
        (int)Syscall(SysMoveMount, mountFd, string.Empty, LinuxConstants.AtFdCwd, target, MoveMountFEmptyPath);
}
