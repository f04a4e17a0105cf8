using Minato.Engine.Linux;

namespace Minato.Engine.Images.Snapshots.Tar;

/// <summary>One tar entry with PAX and GNU long-name headers already applied; names are raw, not yet cleaned.</summary>
public sealed record TarEntry
{
    public required TarEntryType Type { get; init; }

    /// <summary>The name as written in the archive (may be absolute, hold "." or ".." components).</summary>
    public required string Name { get; init; }

    /// <summary>Symlink target or hard link source, as written; empty for other types.</summary>
    public string LinkName { get; init; } = "";

    /// <summary>Permission bits only (setuid, setgid, sticky, rwx); type bits in the header are dropped.</summary>
    public uint Permissions { get; init; }

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    /// <summary>Content length; always 0 for types that carry no data.</summary>
    public long Size { get; init; }

    public UnixTimestamp ModificationTime { get; init; }

    public uint DeviceMajor { get; init; }

    public uint DeviceMinor { get; init; }

    /// <summary>Extended attributes from <c>SCHILY.xattr.*</c> PAX records, unfiltered.</summary>
    public IReadOnlyDictionary<string, byte[]> ExtendedAttributes { get; init; } = new Dictionary<string, byte[]>();
}
