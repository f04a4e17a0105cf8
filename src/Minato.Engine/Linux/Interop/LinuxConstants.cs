using System.Runtime.InteropServices;

namespace Minato.Engine.Linux.Interop;

/// <summary>Flag values from the kernel headers; the few that differ between x86-64 and arm64 are chosen at run time.</summary>
internal static class LinuxConstants
{
    private static readonly bool IsArm64 = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;

    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;
    public const int OPath = 0x200000;
    public static readonly int ODirectory = IsArm64 ? 0x4000 : 0x10000;
    public static readonly int ONoFollow = IsArm64 ? 0x8000 : 0x20000;

    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtRemoveDir = 0x200;
    public const int AtEmptyPath = 0x1000;

    public const ulong ResolveNoXdev = 0x01;
    public const ulong ResolveNoMagicLinks = 0x02;
    public const ulong ResolveBeneath = 0x08;
    public const ulong ResolveInRoot = 0x10;

    public const uint SIfMt = 0xF000;
    public const uint SIfIfo = 0x1000;
    public const uint SIfChr = 0x2000;
    public const uint SIfDir = 0x4000;
    public const uint SIfBlk = 0x6000;
    public const uint SIfReg = 0x8000;
    public const uint SIfLnk = 0xA000;

    public const uint StatxBasicStats = 0x7FF;

    public const int XattrCreate = 0x1;

    public const int ENoEnt = 2;
    public const int EExist = 17;
    public const int EXDev = 18;
    public const int ENotDir = 20;
    public const int ENotEmpty = 39;
    public const int ENoSys = 38;
    public const int ELoop = 40;
    public const int ENoData = 61;

    /// <summary>glibc's <c>makedev</c>: 12+20 bits of major and 8+24 bits of minor spread over 64 bits.</summary>
    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xFFFFF000) << 32) | ((ulong)(major & 0xFFF) << 8) |
        ((ulong)(minor & 0xFFFFFF00) << 12) | (minor & 0xFF);
}
