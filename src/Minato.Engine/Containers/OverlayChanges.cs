using Minato.Engine.Linux;

namespace Minato.Engine.Containers;

/// <summary>What happened to one path of a container's filesystem since it was made from its image.</summary>
public enum FileChangeKind
{
    /// <summary>It existed in the image and was changed.</summary>
    Modified = 0,

    /// <summary>It is new.</summary>
    Added = 1,

    /// <summary>It existed in the image and was deleted.</summary>
    Deleted = 2,
}

/// <summary>One changed path (absolute, as seen in the container).</summary>
public sealed record FileChange(string Path, FileChangeKind Kind);

/// <summary>The changes a writable overlay layer holds against its lower layers: a whiteout (character device 0/0) is a
/// deletion, an entry found in a lower layer a modification, any other an addition; every directory above a change counts as
/// modified. A directory found unchanged below (same mode and time) is not reported.</summary>
/// <remarks>Every path is read through <see cref="RootedDirectory"/>: the layer is the container's to shape, and a
/// symlink it swaps in can lead nowhere outside it.</remarks>
public static class OverlayChanges
{
    /// <summary>Most entries walked; a larger layer fails rather than holding the daemon.</summary>
    public const int MaxEntries = 1_000_000;

    /// <summary>The changes in <paramref name="upper"/> against <paramref name="lowers"/> (top first), sorted by path.</summary>
    public static IReadOnlyList<FileChange> Walk(string upper, IReadOnlyList<string> lowers)
    {
        using var layer = RootedDirectory.Open(upper);
        var below = lowers.Select(RootedDirectory.Open).ToList();
        try
        {
            var changes = new SortedDictionary<string, FileChangeKind>(StringComparer.Ordinal);
            var pending = new Stack<string>();
            pending.Push(string.Empty);
            var seen = 0;
            while (pending.TryPop(out var directory))
            {
                foreach (var name in layer.List(directory, MaxEntries))
                {
                    if (++seen > MaxEntries)
                    {
                        throw new InvalidDataException($"the writable layer holds more than {MaxEntries} entries");
                    }

                    var path = directory.Length == 0 ? name : $"{directory}/{name}";
                    if (layer.GetStatus(path) is not { } status)
                    {
                        continue;
                    }

                    var kind = Classify(path, status, below);
                    if (kind is { } found)
                    {
                        changes[path] = found;
                        MarkAncestors(changes, directory);
                    }

                    if (status.IsDirectory)
                    {
                        pending.Push(path);
                    }
                }
            }

            return changes.Select(c => new FileChange("/" + c.Key, c.Value)).ToList();
        }
        finally
        {
            below.ForEach(l => l.Dispose());
        }
    }

    /// <summary>Every directory above a change counts as modified, as in Docker's diff.</summary>
    private static void MarkAncestors(SortedDictionary<string, FileChangeKind> changes, string directory)
    {
        for (var parent = directory; parent.Length > 0; parent = parent.LastIndexOf('/') is var slash and > 0 ? parent[..slash] : string.Empty)
        {
            if (!changes.TryAdd(parent, FileChangeKind.Modified))
            {
                return;
            }
        }
    }

    private static FileChangeKind? Classify(string path, FileStatus status, List<RootedDirectory> below)
    {
        if (status.IsOverlayWhiteout)
        {
            return FileChangeKind.Deleted;
        }

        foreach (var lower in below)
        {
            if (lower.GetStatus(path) is not { } old)
            {
                continue;
            }

            if (old.IsOverlayWhiteout)
            {
                return FileChangeKind.Added;
            }

            // overlayfs copies a directory up when something below it changes; that alone is no change of its own.
            var same = status.IsDirectory && old.IsDirectory && status.Mode == old.Mode && status.ModificationTime == old.ModificationTime;
            return same ? null : FileChangeKind.Modified;
        }

        return FileChangeKind.Added;
    }
}
