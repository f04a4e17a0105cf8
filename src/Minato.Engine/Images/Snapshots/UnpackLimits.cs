namespace Minato.Engine.Images.Snapshots;

/// <summary>Bounds the unpacker enforces on one layer, so a hostile tar fails cleanly instead of exhausting the host.</summary>
public sealed record UnpackLimits
{
    /// <summary>Most bytes of file content the layer may write. Required: the caller knows the layer and the free space.</summary>
    public required long MaxBytes { get; init; }

    /// <summary>Most entries (files, directories, links, whiteouts). Default 1,000,000.</summary>
    public long MaxEntries { get; init; } = 1_000_000;

    /// <summary>Largest PAX extended header, in bytes. Default 1 MiB (room for several 64 KiB xattrs).</summary>
    public int MaxPaxHeaderBytes { get; init; } = 1 << 20;

    /// <summary>Longest entry or link name, in UTF-8 bytes. Default 4096 (PATH_MAX).</summary>
    public int MaxPathBytes { get; init; } = 4096;

    /// <summary>Most extended attributes on one entry. Default 128.</summary>
    public int MaxXattrsPerEntry { get; init; } = 128;

    /// <summary>Most bytes after the end-of-archive marker (tar pads to its record size, 10 KiB by default). Default 1 MiB.</summary>
    public int MaxTrailingBytes { get; init; } = 1 << 20;
}
