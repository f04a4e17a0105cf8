using System.Formats.Tar;
using Minato.Engine.Errors;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Linux;

namespace Minato.Engine.Containers;

/// <summary>One path of a container's filesystem as a copy sees it.</summary>
/// <param name="Name">Its base name ("/" for the root).</param>
/// <param name="Status">What statx reported (a symlink itself, not its target).</param>
/// <param name="LinkTarget">For a symlink, the absolute path it resolves to in the container; else empty.</param>
public sealed record ContainerPathInfo(string Name, FileStatus Status, string LinkTarget);

/// <summary>Files of a container read and written as tar streams (Docker's archive, export and copy), every access
/// through a <see cref="ContainerTree"/>: paths resolve as inside the container, and no symlink or <c>..</c> leads out
/// of its rootfs or mounts.</summary>
public static class ContainerFiles
{
    /// <summary>Symlinks followed on one path at most, as Linux allows.</summary>
    public const int MaxSymlinkHops = 40;

    /// <summary>Most entries one tar written from a container holds.</summary>
    public const int MaxEntries = 1_000_000;

    /// <summary>Longest path a caller may name.</summary>
    public const int MaxPathLength = 4096;

    /// <summary>Resolves <paramref name="path"/> (as the container would, from its root) to a clean path below
    /// <paramref name="root"/> with every symlink on the way replaced by its target, <c>..</c> stopping at the root; the
    /// last component is followed only when <paramref name="followLast"/>.</summary>
    /// <exception cref="InvalidInputException">The path is empty, too long, holds NUL, or loops.</exception>
    public static string Resolve(ContainerTree root, string path, bool followLast)
    {
        ArgumentNullException.ThrowIfNull(root);
        Check(path);
        var pending = new Stack<string>();
        Push(pending, path);
        var done = new List<string>();
        var hops = 0;
        while (pending.TryPop(out var part))
        {
            if (part == "..")
            {
                if (done.Count > 0)
                {
                    done.RemoveAt(done.Count - 1);
                }

                continue;
            }

            var candidate = string.Join('/', done.Append(part));
            if ((pending.Count > 0 || followLast) && root.GetStatus(candidate) is { IsSymbolicLink: true })
            {
                if (++hops > MaxSymlinkHops)
                {
                    throw new InvalidInputException($"path {path}: too many levels of symbolic links");
                }

                var target = root.ReadSymbolicLink(candidate);
                if (target.StartsWith('/'))
                {
                    done.Clear();
                }

                Push(pending, target);
                continue;
            }

            done.Add(part);
        }

        return string.Join('/', done);
    }

    /// <summary>True when <paramref name="path"/> asks for the directory's contents or the link's target: it ends in
    /// <c>/</c> or <c>/.</c>.</summary>
    public static bool FollowsLast(string path) => path.EndsWith('/') || path.EndsWith("/.", StringComparison.Ordinal) || path == ".";

    /// <summary>The entry at the clean <paramref name="path"/>, or null when there is none.</summary>
    public static ContainerPathInfo? Stat(ContainerTree root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root.GetStatus(path) is not { } status)
        {
            return null;
        }

        var name = path.Length == 0 ? "/" : path[(path.LastIndexOf('/') + 1)..];
        var link = status.IsSymbolicLink ? "/" + Resolve(root, "/" + path, followLast: true) : string.Empty;
        return new ContainerPathInfo(name, status, link);
    }

    /// <summary>Writes the entry at the clean <paramref name="path"/> (a directory with everything below it) as a PAX tar,
    /// its entries named from <paramref name="rebase"/> (empty: the directory's contents at the top, its own entry left
    /// out). Symlinks below it are stored, never followed.</summary>
    public static async Task WriteTarAsync(ContainerTree root, string path, string rebase, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        var pending = new Stack<(string Path, string Name)>();
        pending.Push((path, rebase));
        var entries = 0;
        while (pending.TryPop(out var next))
        {
            if (root.GetStatus(next.Path) is not { } status)
            {
                // Gone since its directory was listed (a running container changes its files).
                continue;
            }

            if (++entries > MaxEntries)
            {
                throw new InvalidInputException($"path /{path} holds more than {MaxEntries} entries");
            }

            if (status.IsDirectory)
            {
                foreach (var child in root.List(next.Path, MaxEntries).Reverse())
                {
                    pending.Push((Join(next.Path, child), Join(next.Name, child)));
                }
            }

            if (next.Name.Length > 0 && Entry(root, next.Path, next.Name, status) is { } entry)
            {
                await using (entry.DataStream)
                {
                    await writer.WriteEntryAsync(entry, cancellationToken);
                }
            }
        }
    }

    /// <summary>Unpacks <paramref name="tar"/> into the directory at the clean <paramref name="directory"/>, confined to it
    /// and bounded as an image layer is.</summary>
    /// <exception cref="InvalidInputException">The destination is not a directory.</exception>
    /// <exception cref="InvalidInputException">A read-only mount holds the destination.</exception>
    public static async Task ExtractAsync(
        ContainerTree tree, string directory, Stream tar, UnpackOptions options, UnpackLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var (root, inner, readOnly) = tree.Locate(directory);
        if (root.GetStatus(inner) is not { IsDirectory: true })
        {
            throw new InvalidInputException($"extraction point /{directory} is not a directory");
        }

        if (readOnly)
        {
            throw new InvalidInputException($"mounted volume at /{directory} is marked read-only");
        }

        using var target = root.OpenSubdirectory(inner);
        await new LayerUnpacker(limits).UnpackAsync(tar, target, options, cancellationToken);
    }

    private static PaxTarEntry? Entry(ContainerTree root, string path, string name, FileStatus status)
    {
        PaxTarEntry entry;
        if (status.IsDirectory)
        {
            entry = new PaxTarEntry(TarEntryType.Directory, name + "/");
        }
        else if (status.IsRegularFile)
        {
            entry = new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                DataStream = new FileStream(root.OpenRegularFileForReading(path), FileAccess.Read, 1),
            };
        }
        else if (status.IsSymbolicLink)
        {
            entry = new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = root.ReadSymbolicLink(path) };
        }
        else if (status.IsCharacterDevice || status.IsBlockDevice)
        {
            entry = new PaxTarEntry(status.IsCharacterDevice ? TarEntryType.CharacterDevice : TarEntryType.BlockDevice, name)
            {
                DeviceMajor = (int)status.DeviceMajor,
                DeviceMinor = (int)status.DeviceMinor,
            };
        }
        else if (status.IsFifo)
        {
            entry = new PaxTarEntry(TarEntryType.Fifo, name);
        }
        else
        {
            // Sockets have no tar form; tar(1) skips them too.
            return null;
        }

        entry.Mode = (UnixFileMode)status.Permissions;
        entry.Uid = (int)status.Uid;
        entry.Gid = (int)status.Gid;
        entry.ModificationTime = DateTimeOffset.FromUnixTimeSeconds(status.ModificationTime.Seconds);
        return entry;
    }

    private static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}/{name}";

    private static void Push(Stack<string> pending, string path)
    {
        foreach (var part in path.Split('/').Where(p => p is not ("" or ".")).Reverse())
        {
            pending.Push(part);
        }
    }

    private static void Check(string path)
    {
        if (path.Length == 0 || path.Length > MaxPathLength || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidInputException($"path: must be 1 to {MaxPathLength} characters without NUL");
        }
    }
}
