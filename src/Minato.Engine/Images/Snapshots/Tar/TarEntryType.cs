namespace Minato.Engine.Images.Snapshots.Tar;

/// <summary>The kinds of tar entry a layer may hold; everything else (sparse files, volume labels) is refused.</summary>
public enum TarEntryType
{
    RegularFile,
    HardLink,
    SymbolicLink,
    CharacterDevice,
    BlockDevice,
    Directory,
    Fifo,
}
