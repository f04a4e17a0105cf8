using System.Runtime.InteropServices;

namespace Minato.Engine.Linux.Interop;

/// <summary>The kernel's <c>struct open_how</c> for openat2(2): three 64-bit fields, 24 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct OpenHow
{
    public ulong Flags;
    public ulong Mode;
    public ulong Resolve;
}

/// <summary>A <c>struct timespec</c> as the 64-bit ABIs lay it out.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Timespec
{
    public long Seconds;
    public long Nanoseconds;
}

/// <summary>The fields of <c>struct statx</c> the engine reads; the kernel writes at most 256 bytes.</summary>
/// <remarks>statx has one layout on every architecture, unlike <c>struct stat</c>.</remarks>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct Statx
{
    [FieldOffset(16)] public uint NLink;
    [FieldOffset(20)] public uint Uid;
    [FieldOffset(24)] public uint Gid;
    [FieldOffset(28)] public ushort Mode;
    [FieldOffset(32)] public ulong Ino;
    [FieldOffset(40)] public ulong Size;
    [FieldOffset(48)] public ulong Blocks;
    [FieldOffset(112)] public long MTimeSeconds;
    [FieldOffset(120)] public uint MTimeNanoseconds;
    [FieldOffset(128)] public uint RDevMajor;
    [FieldOffset(132)] public uint RDevMinor;
    [FieldOffset(136)] public uint DevMajor;
    [FieldOffset(140)] public uint DevMinor;
}
