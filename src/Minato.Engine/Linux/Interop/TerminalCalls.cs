using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Minato.Engine.Linux.Interop;

/// <summary>libc entry points for terminals: allocate a pseudo-terminal pair, raw mode, the window size.</summary>
internal static unsafe partial class TerminalCalls
{
    private const string LibraryName = "libc";

    /// <summary>The asm-generic ioctl numbers, shared by x86-64 and arm64.</summary>
    public const ulong TiocGWinSz = 0x5413;
    public const ulong TiocSWinSz = 0x5414;
    public const ulong TiocGPtPeer = 0x5441;
    public const int ONoCtty = 0x100;
    public const int ORdWr = 2;
    public const int TcsaNow = 0;

    /// <summary>glibc's struct termios is 60 bytes; it is only passed through, never read field by field.</summary>
    public const int TermiosSize = 64;

    [LibraryImport(LibraryName, EntryPoint = "posix_openpt", SetLastError = true)]
    internal static partial int PosixOpenpt(int flags);

    [LibraryImport(LibraryName, EntryPoint = "unlockpt", SetLastError = true)]
    internal static partial int Unlockpt(SafeFileHandle fd);

    [LibraryImport(LibraryName, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int IoctlInt(SafeFileHandle fd, ulong request, nint argument);

    [LibraryImport(LibraryName, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int IoctlPointer(SafeFileHandle fd, ulong request, void* argument);

    [LibraryImport(LibraryName, EntryPoint = "tcgetattr", SetLastError = true)]
    internal static partial int Tcgetattr(SafeFileHandle fd, byte* termios);

    [LibraryImport(LibraryName, EntryPoint = "tcsetattr", SetLastError = true)]
    internal static partial int Tcsetattr(SafeFileHandle fd, int action, byte* termios);

    [LibraryImport(LibraryName, EntryPoint = "isatty")]
    internal static partial int Isatty(SafeFileHandle fd);

    [LibraryImport(LibraryName, EntryPoint = "cfmakeraw")]
    internal static partial void Cfmakeraw(byte* termios);
}

/// <summary>struct winsize: rows and columns first, pixel sizes unused.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct WindowSize
{
    public ushort Rows;
    public ushort Columns;
    public ushort XPixels;
    public ushort YPixels;
}
