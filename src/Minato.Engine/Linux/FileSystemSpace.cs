using Minato.Engine.Linux.Interop;

namespace Minato.Engine.Linux;

/// <summary>The filesystem holding a path: where it is mounted, its type and source, and its free space (statvfs(3)).</summary>
/// <param name="MountPoint">The mount point holding the path (the longest matching one in /proc/self/mountinfo).</param>
/// <param name="Type">The filesystem type, for example <c>ext4</c> or <c>tmpfs</c>.</param>
/// <param name="Source">The mount source, for example <c>/dev/loop3</c>.</param>
/// <param name="AvailableBytes">Bytes an unprivileged writer may still use (<c>f_bavail * f_frsize</c>).</param>
/// <param name="TotalBytes">The filesystem's size (<c>f_blocks * f_frsize</c>).</param>
public readonly record struct FileSystemSpace(string MountPoint, string Type, string Source, long AvailableBytes, long TotalBytes)
{
    /// <summary>ENOSPC: what a write to a full filesystem fails with.</summary>
    public const int NoSpaceErrno = 28;

    /// <summary>"/var/lib (ext4 on /dev/sda1)", for messages.</summary>
    public string Description => $"{MountPoint} ({Type} on {Source})";

    /// <summary>Reads the space of the filesystem holding <paramref name="path"/>, which must exist.</summary>
    /// <exception cref="SyscallException">statvfs failed (for example the path does not exist).</exception>
    public static FileSystemSpace Of(string path)
    {
        var (available, total) = Statvfs(path);
        var full = Path.GetFullPath(path);
        MountInfoEntry? best = null;
        try
        {
            foreach (var mount in MountInfo.ReadSelf())
            {
                if (Contains(mount.MountPoint, full) && (best is null || mount.MountPoint.Length >= best.MountPoint.Length))
                {
                    best = mount;
                }
            }
        }
        catch (IOException)
        {
            // No mount table to name it by: the path itself names it well enough.
        }

        return new FileSystemSpace(best?.MountPoint ?? full, best?.FileSystemType ?? "unknown", best?.Source ?? "unknown", available, total);
    }

    /// <summary>Only the free space, without naming the filesystem (cheap enough to call while writing).</summary>
    public static long AvailableOf(string path) => Statvfs(path).Available;

    /// <summary>True when <paramref name="e"/> (or what it wraps) is a write refused for lack of space.</summary>
    public static bool IsNoSpace(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SyscallException { Errno: NoSpaceErrno } || (e is IOException && e.HResult == NoSpaceErrno) ||
                (e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 13 }))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Bytes in binary units for messages: "1.5 GiB", "512 MiB", "100 bytes".</summary>
    public static string Format(long bytes)
    {
        string[] units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
        if (bytes < 1024)
        {
            return $"{bytes} bytes";
        }

        double value = bytes;
        var unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString(value < 10 ? "0.#" : "0", System.Globalization.CultureInfo.InvariantCulture) + " " + units[unit];
    }

    private static bool Contains(string mountPoint, string path) =>
        mountPoint == "/" || path == mountPoint || path.StartsWith(mountPoint + "/", StringComparison.Ordinal);

    private static unsafe (long Available, long Total) Statvfs(string path)
    {
        StatvfsBuffer buffer;
        if (NamespaceCalls.Statvfs(path, &buffer) != 0)
        {
            throw SyscallException.FromLastError("statvfs", path);
        }

        var unit = buffer.FragmentSize == 0 ? buffer.BlockSize : buffer.FragmentSize;
        return (Saturate(buffer.BlocksAvailable, unit), Saturate(buffer.Blocks, unit));
    }

    private static long Saturate(ulong blocks, ulong unit) => blocks > (ulong)long.MaxValue / Math.Max(1, unit) ? long.MaxValue : (long)(blocks * unit);
}
