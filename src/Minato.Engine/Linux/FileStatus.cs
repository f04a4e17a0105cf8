using static Minato.Engine.Linux.Interop.LinuxConstants;

namespace Minato.Engine.Linux;

/// <summary>What statx(2) reported about one filesystem entry.</summary>
/// <remarks><paramref name="Inode"/> and <paramref name="Device"/> (the filesystem's, major in the high half) identify
/// hard links; fakes may leave them 0.</remarks>
public readonly record struct FileStatus(
    uint Mode, uint Uid, uint Gid, long Size, uint LinkCount, UnixTimestamp ModificationTime, uint DeviceMajor, uint DeviceMinor,
    ulong Inode = 0, ulong Device = 0)
{
    /// <summary>The permission bits including setuid, setgid and sticky, without the file type.</summary>
    public uint Permissions => Mode & 0xFFF;

    public bool IsDirectory => (Mode & SIfMt) == SIfDir;

    public bool IsRegularFile => (Mode & SIfMt) == SIfReg;

    public bool IsSymbolicLink => (Mode & SIfMt) == SIfLnk;

    public bool IsCharacterDevice => (Mode & SIfMt) == SIfChr;

    public bool IsBlockDevice => (Mode & SIfMt) == SIfBlk;

    public bool IsFifo => (Mode & SIfMt) == SIfIfo;

    /// <summary>True for the character device 0/0 that overlayfs reads as a whiteout.</summary>
    public bool IsOverlayWhiteout => IsCharacterDevice && DeviceMajor == 0 && DeviceMinor == 0;
}
