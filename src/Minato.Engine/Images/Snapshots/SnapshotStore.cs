using Minato.Engine.Images.Content;

namespace Minato.Engine.Images.Snapshots;

/// <summary>A committed layer directory: its name (from the DiffID) and what it holds.</summary>
public sealed record Snapshot(string Name, Digest DiffId, long Bytes, long Inodes);

/// <summary>Unpacked layers, one overlayfs lower directory per DiffID, under <c>&lt;root&gt;/snapshots</c>.</summary>
/// <remarks>
/// A layer is unpacked into <c>unpack/&lt;random&gt;</c>, synced by the unpacker, then renamed to
/// <c>snapshots/&lt;name&gt;</c> and the parent synced. A layer's directory does not depend on the layers below it
/// (overlayfs stacks them), so one directory serves every image with that DiffID. Which directories are still needed
/// is decided by the image store; <see cref="RemoveUnlisted"/> deletes the rest at start-up.
/// </remarks>
public sealed class SnapshotStore
{
    public SnapshotStore(string snapshotRoot, string unpackRoot)
    {
        Root = snapshotRoot;
        UnpackRoot = unpackRoot;
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(UnpackRoot);
    }

    /// <summary>The directory holding committed snapshots (the image filesystem's mountpoint for ImageFsInfo).</summary>
    public string Root { get; }

    /// <summary>Where layers are unpacked before they are committed (and removed snapshots wait for deletion).</summary>
    public string UnpackRoot { get; }

    /// <summary>The names of the committed snapshot directories on disk, recorded or not.</summary>
    public IReadOnlyList<string> List() => [.. Directory.EnumerateDirectories(Root).Select(d => Path.GetFileName(d))];

    /// <summary>Directories under the unpack root: layers being unpacked, or left by an unpack that never finished.</summary>
    public IReadOnlyList<string> ListUnpack() => [.. Directory.EnumerateDirectories(UnpackRoot)];

    /// <summary>The directory name of a DiffID: its hex, prefixed by the algorithm unless sha256.</summary>
    public static string NameOf(Digest diffId) => diffId.Algorithm == Digest.Sha256 ? diffId.Hex : $"{diffId.Algorithm}-{diffId.Hex}";

    /// <summary>The lower directory of a committed snapshot, for overlay mounts.</summary>
    public string PathOf(string name) => Path.Combine(Root, name);

    public bool Exists(string name) => Directory.Exists(PathOf(name));

    /// <summary>Creates an empty directory to unpack into.</summary>
    public string CreateUnpackDirectory()
    {
        var path = Path.Combine(UnpackRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Moves a fully unpacked and synced directory to its committed name.</summary>
    public void Commit(string unpackDirectory, string name)
    {
        var target = PathOf(name);
        if (Directory.Exists(target))
        {
            // Another pull finished the same layer first; its copy is as good as ours.
            Delete(unpackDirectory);
            return;
        }

        Directory.Move(unpackDirectory, target);
        ContentStore.SyncDirectory(Root);
    }

    /// <summary>Moves a snapshot out of the committed namespace (for deletion later); returns where it went.</summary>
    public string MoveAside(string name)
    {
        var trash = Path.Combine(UnpackRoot, "removed-" + Guid.NewGuid().ToString("N"));
        if (Directory.Exists(PathOf(name)))
        {
            Directory.Move(PathOf(name), trash);
        }

        return trash;
    }

    /// <summary>Deletes a directory tree without following symlinks in it.</summary>
    public static void Delete(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (UnauthorizedAccessException)
        {
            MakeWritable(path);
            Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>Removes unpack leftovers and committed directories not in <paramref name="keep"/>; start-up only.</summary>
    public int RemoveUnlisted(IReadOnlySet<string> keep)
    {
        foreach (var leftover in Directory.EnumerateDirectories(UnpackRoot))
        {
            Delete(leftover);
        }

        var removed = 0;
        foreach (var directory in Directory.EnumerateDirectories(Root))
        {
            if (!keep.Contains(Path.GetFileName(directory)))
            {
                Delete(directory);
                removed++;
            }
        }

        return removed;
    }

    // A layer may hold directories without write permission; without CAP_DAC_OVERRIDE they must be opened up first.
    private static void MakeWritable(string path)
    {
        foreach (var directory in new DirectoryInfo(path).EnumerateDirectories("*", new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            IgnoreInaccessible = true,
        }))
        {
            if ((directory.UnixFileMode & UnixFileMode.UserWrite) == 0)
            {
                directory.UnixFileMode |= UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            }
        }
    }
}
