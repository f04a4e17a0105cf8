using Minato.Engine.Linux;

namespace Minato.Engine.Disk;

/// <summary>How full the filesystem holding a path is; the OS seam of <see cref="ImageGcPolicy"/>.</summary>
public interface IFileSystemUsage
{
    /// <summary>Total and available bytes of the filesystem holding <paramref name="path"/>.</summary>
    (long Total, long Available) Measure(string path);
}

/// <summary>statvfs(3) of the real filesystem.</summary>
public sealed class StatvfsUsage : IFileSystemUsage
{
    public (long Total, long Available) Measure(string path)
    {
        var space = FileSystemSpace.Of(path);
        return (space.TotalBytes, space.AvailableBytes);
    }
}
