using Minato.Engine.Errors;
using Minato.Engine.Linux;

namespace Minato.Engine.Images.Pull;

/// <summary>
/// The free space one pull must leave on the image filesystem (<c>min_free_space</c>): checked before anything is
/// downloaded, before each layer, and every few MiB the pull writes; a full disk met anyway is reported the same way.
/// </summary>
/// <remarks>
/// Checking every <see cref="CheckInterval"/> bytes keeps statvfs off the hot path; parallel layers may overshoot the
/// reserve by one interval each, which the reserve absorbs. Bytes skipped as holes are not counted: they take no disk.
/// Thread-safe: the layers of one pull share it.
/// </remarks>
public sealed class SpaceReserve(string path, long reserveBytes)
{
    /// <summary>Bytes written between two statvfs checks.</summary>
    public const long CheckInterval = 4L << 20;

    private long written;
    private long sinceCheck;

    /// <summary>Bytes the pull has written to disk so far (blobs and allocated file content).</summary>
    public long Written => Interlocked.Read(ref written);

    /// <summary>Refuses when fewer than <paramref name="bytes"/> plus the reserve are free.</summary>
    /// <exception cref="StorageLimitException">Not enough room; the message names the filesystem and the space needed.</exception>
    public void EnsureRoom(long bytes, string what)
    {
        var available = FileSystemSpace.AvailableOf(path);
        if (available - reserveBytes < bytes)
        {
            var space = FileSystemSpace.Of(path);
            throw new StorageLimitException(
                $"not enough free space on {space.Description} for {what}: it needs {FileSystemSpace.Format(bytes)} plus the " +
                $"{FileSystemSpace.Format(reserveBytes)} min_free_space reserve, {FileSystemSpace.Format(available)} is available");
        }
    }

    /// <summary>Counts <paramref name="bytes"/> written; every <see cref="CheckInterval"/> checks that the reserve still holds.</summary>
    /// <exception cref="StorageLimitException">The free space fell below the reserve.</exception>
    public void Add(long bytes, string what)
    {
        Interlocked.Add(ref written, bytes);
        if (Interlocked.Add(ref sinceCheck, bytes) < CheckInterval)
        {
            return;
        }

        Interlocked.Exchange(ref sinceCheck, 0);
        var available = FileSystemSpace.AvailableOf(path);
        if (available < reserveBytes)
        {
            var space = FileSystemSpace.Of(path);
            throw new StorageLimitException(
                $"{what}: the free space on {space.Description} fell to {FileSystemSpace.Format(available)}, below the " +
                $"{FileSystemSpace.Format(reserveBytes)} min_free_space reserve, after the pull wrote {FileSystemSpace.Format(Written)}; " +
                "the image needs more space than that");
        }
    }

    /// <summary>The error for a write that failed with ENOSPC (<paramref name="inner"/>).</summary>
    public StorageLimitException NoSpace(string what, Exception inner)
    {
        var space = TryDescribe();
        return new StorageLimitException(
            $"{what}: no space left on {space} after the pull wrote {FileSystemSpace.Format(Written)}; the image needs more space than that " +
            $"(plus the {FileSystemSpace.Format(reserveBytes)} min_free_space reserve)",
            inner);
    }

    private string TryDescribe()
    {
        try
        {
            var space = FileSystemSpace.Of(path);
            return $"{space.Description}, {FileSystemSpace.Format(space.AvailableBytes)} available of {FileSystemSpace.Format(space.TotalBytes)},";
        }
        catch (IOException)
        {
            return path;
        }
    }
}
