namespace Minato.Engine.Images.Snapshots;

/// <summary>How the unpacker reads a tar beyond its bounds: as an image layer (whiteouts, owners as recorded) or as
/// files copied into a container (<c>docker cp</c>).</summary>
public sealed record UnpackOptions
{
    /// <summary>An image layer: whiteouts and opaque markers, owners from the tar, any kind may replace another.</summary>
    public static readonly UnpackOptions Layer = new();

    /// <summary><c>.wh.</c> names are whiteouts. Default true.</summary>
    public bool Whiteouts { get; init; } = true;

    /// <summary>When set, every entry gets this owner instead of the tar's (Docker's copy without <c>copyUIDGID</c>).</summary>
    public (uint Uid, uint Gid)? Owner { get; init; }

    /// <summary>Device nodes and FIFOs are refused (a build context holds files, directories and links only). Default false.</summary>
    public bool RefuseDevices { get; init; }

    /// <summary>A directory is never replaced by a non-directory nor the reverse (Docker's <c>noOverwriteDirNonDir</c>).</summary>
    public bool KeepKinds { get; init; }
}
