using Microsoft.Win32.SafeHandles;
using Minato.Engine.Linux.Interop;
using static Minato.Engine.Linux.Interop.LinuxConstants;

namespace Minato.Engine.Linux;

/// <summary>Which inode a path names (not following a final symlink) and the disk blocks it holds, from statx(2).</summary>
/// <param name="Device">The device of the filesystem holding the inode.</param>
/// <param name="Inode">The inode number.</param>
/// <param name="Blocks">Allocated 512-byte blocks (<c>st_blocks</c>).</param>
/// <param name="Mode">File type and permissions.</param>
/// <param name="LinkCount">Hard links to the inode.</param>
public readonly record struct FileIdentity(ulong Device, ulong Inode, ulong Blocks, uint Mode, uint LinkCount)
{
    private static readonly SafeFileHandle CurrentDirectory = new(AtFdCwd, ownsHandle: false);

    public bool IsDirectory => (Mode & SIfMt) == SIfDir;

    /// <summary>lstat of <paramref name="path"/>; null when nothing is there (or it cannot be read).</summary>
    public static unsafe FileIdentity? Of(string path)
    {
        FileHandleOperations.RejectNul(path);
        Statx s;
        if (Libc.Statx(CurrentDirectory, path, AtSymlinkNoFollow, StatxBasicStats, &s) != 0)
        {
            return null;
        }

        return new FileIdentity(((ulong)s.DevMajor << 32) | s.DevMinor, s.Ino, s.Blocks, s.Mode, s.NLink);
    }
}

/// <summary>Disk use of a directory tree as <c>du -s -B1</c> counts it: allocated blocks of every entry (directories,
/// symlinks, whiteouts and the top directory included), a hard-linked inode once, symlinks not followed.</summary>
/// <param name="Bytes">Allocated bytes (<c>st_blocks</c> * 512).</param>
/// <param name="Inodes">Distinct inodes, the top directory included.</param>
/// <param name="Complete">False when the walk stopped at its entry bound: the figures are then a lower bound.</param>
public readonly record struct DiskUsage(ulong Bytes, ulong Inodes, bool Complete)
{
    private static readonly EnumerationOptions Listing = new() { IgnoreInaccessible = true, AttributesToSkip = 0 };

    /// <summary>Walks <paramref name="root"/>, reading at most <paramref name="maxEntries"/> entries; entries that vanish
    /// or cannot be read during the walk are skipped. Zero when <paramref name="root"/> is not a directory.</summary>
    public static DiskUsage Measure(string root, int maxEntries)
    {
        if (FileIdentity.Of(root) is not { IsDirectory: true } top)
        {
            return new DiskUsage(0, 0, true);
        }

        var seen = new HashSet<(ulong, ulong)>();
        var bytes = top.Blocks * 512;
        ulong inodes = 1;
        var entries = 1;
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.TryPop(out var directory))
        {
            List<string> children;
            try
            {
                // Read one directory at a time, never more names than the bound leaves room for.
                children = Directory.EnumerateFileSystemEntries(directory, "*", Listing).Take(maxEntries - entries + 1).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var child in children)
            {
                if (++entries > maxEntries)
                {
                    return new DiskUsage(bytes, inodes, false);
                }

                if (FileIdentity.Of(child) is not { } entry)
                {
                    continue;
                }

                if (entry.LinkCount > 1 && !entry.IsDirectory && !seen.Add((entry.Device, entry.Inode)))
                {
                    continue;
                }

                bytes += entry.Blocks * 512;
                inodes++;
                if (entry.IsDirectory)
                {
                    pending.Push(child);
                }
            }
        }

        return new DiskUsage(bytes, inodes, true);
    }
}
