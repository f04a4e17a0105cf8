using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Snapshots.Tar;
using Minato.Engine.Linux;
using Minato.Engine.Linux.Interop;
using static Minato.Engine.Linux.Interop.LinuxConstants;

namespace Minato.Engine.Images.Snapshots;

/// <summary>Writes tar entries into a snapshot through a <see cref="RootedDirectory"/>, one entry at a time.</summary>
/// <remarks>
/// Ownership is set before the mode (chown clears setuid/setgid) and xattrs after both (chown also drops
/// security.capability). Directory times are applied last, because adding children changes them. Xattrs are set
/// only on regular files and directories, through their own descriptors: the kernel refuses user.* on symlinks and
/// devices and <see cref="XattrPolicy"/> admits nothing else that could apply to them, so no path-based
/// lsetxattr (and no /proc/self/fd path to a symlink, which setxattr would follow) is ever needed.
/// </remarks>
internal sealed class SnapshotWriter(RootedDirectory root, UnpackLimits limits, UnpackOptions? options = null, Action<long>? allocated = null)
{
    private readonly UnpackOptions options = options ?? UnpackOptions.Layer;

    private const int EOpNotSupp = 95;

    /// <summary>The unit of hole detection: the page size, and the block size of ext4, xfs and tmpfs.</summary>
    private const int HoleBlock = 4096;
    private static readonly byte[] OpaqueValue = "y"u8.ToArray();

    private readonly List<(string Path, UnixTimestamp Time)> directoryTimes = [];

    public long BytesWritten { get; private set; }

    public async ValueTask ApplyAsync(TarEntry entry, TarStreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyCoreAsync(entry, reader, cancellationToken);
        }
        catch (SyscallException e) when (e.Errno is ENoEnt or ENotDir or ELoop or EXDev)
        {
            // Every parent the layer did not name is created, so these come from the layer's own symlinks and files
            // (a link out of the root, a loop, a file used as a directory): a hostile or broken layer, not the host.
            throw new UnsafeLayerException(entry.Name, $"its path does not resolve inside the snapshot ({e.Message})", e);
        }
    }

    private async ValueTask ApplyCoreAsync(TarEntry entry, TarStreamReader reader, CancellationToken cancellationToken)
    {
        var path = EntryPath.Clean(entry.Name);
        var target = string.Empty;

        // A copy into a container takes .wh. names as ordinary files; only a layer means whiteouts by them.
        switch (options.Whiteouts ? Whiteout.Classify(path, out target) : WhiteoutKind.None)
        {
            case WhiteoutKind.Opaque:
                MarkOpaque(target);
                return;
            case WhiteoutKind.Whiteout:
                Replace(target, entry.Name);
                root.CreateNode(target, SIfChr, 0, 0);
                return;
            case WhiteoutKind.AufsMetadata:
                return;
        }

        if (path.Length == 0 && entry.Type != TarEntryType.Directory)
        {
            throw new UnsafeLayerException(entry.Name, "only a directory may stand for the snapshot root");
        }

        switch (entry.Type)
        {
            case TarEntryType.Directory:
                WriteDirectory(path, entry);
                break;
            case TarEntryType.RegularFile:
                await WriteFileAsync(path, entry, reader, cancellationToken);
                break;
            case TarEntryType.SymbolicLink:
                WriteSymbolicLink(path, entry);
                break;
            case TarEntryType.HardLink:
                WriteHardLink(path, entry);
                break;
            case var _ when options.RefuseDevices:
                throw new UnsafeLayerException(entry.Name, $"a {entry.Type} entry is not allowed here (only files, directories and links)");
            default:
                WriteNode(path, entry);
                break;
        }
    }

    /// <summary>Applies the deferred directory times, then flushes the snapshot's filesystem to disk.</summary>
    public void Complete()
    {
        for (var i = directoryTimes.Count - 1; i >= 0; i--)
        {
            var (path, time) = directoryTimes[i];
            if (root.GetStatus(path) is { IsDirectory: true })
            {
                using var directory = root.OpenDirectoryNoFollow(path);
                directory.SetTimes(time);
            }
        }

        root.SyncFileSystem();
    }

    // The marked directory is the marker's parent, so it is resolved like every parent: in the root, symlinks included.
    private void MarkOpaque(string directoryPath)
    {
        root.CreateDirectoryAll(directoryPath);
        using var directory = root.OpenDirectory(directoryPath);
        directory.SetExtendedAttribute(Whiteout.OpaqueXattr, OpaqueValue);
    }

    private void WriteDirectory(string path, TarEntry entry)
    {
        if (path.Length > 0)
        {
            root.CreateDirectoryAll(EntryPath.Parent(path));
            if (root.GetStatus(path) is not { IsDirectory: true })
            {
                Replace(path, entry.Name, directory: true);
                root.CreateDirectory(path);
            }
        }

        using var directory = root.OpenDirectoryNoFollow(path);
        ApplyMetadata(directory, entry);
        directoryTimes.Add((path, entry.ModificationTime));
    }

    private async ValueTask WriteFileAsync(string path, TarEntry entry, TarStreamReader reader, CancellationToken cancellationToken)
    {
        if (entry.Size > limits.MaxBytes - BytesWritten)
        {
            throw new SizeLimitExceededException("The layer's file content", limits.MaxBytes);
        }

        Replace(path, entry.Name);
        using var file = root.CreateFile(path);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            long offset = 0;
            long end = 0;
            int read;
            while ((read = await reader.ReadDataAsync(buffer, cancellationToken)) > 0)
            {
                end = WriteSkippingZeros(file, buffer.AsSpan(0, read), offset, end);
                offset += read;
            }

            // A file that ends in a hole still needs its length.
            if (end < offset)
            {
                RandomAccess.SetLength(file, offset);
            }

            BytesWritten += offset;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        ApplyMetadata(file, entry);
        file.SetTimes(entry.ModificationTime);
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> of a new file, leaving every all-zero block
    /// (aligned to the file) unwritten, so it stays a hole that reads as zeros. Returns the end of the last write.</summary>
    private long WriteSkippingZeros(SafeFileHandle file, ReadOnlySpan<byte> data, long offset, long end)
    {
        var run = -1;
        for (var i = 0; i < data.Length;)
        {
            var next = (int)Math.Min(data.Length, i + HoleBlock - ((offset + i) % HoleBlock));
            var zero = !data[i..next].ContainsAnyExcept((byte)0);
            if (!zero && run < 0)
            {
                run = i;
            }
            else if (zero && run >= 0)
            {
                end = Write(file, data[run..i], offset + run);
                run = -1;
            }

            i = next;
        }

        return run >= 0 ? Write(file, data[run..], offset + run) : end;
    }

    private long Write(SafeFileHandle file, ReadOnlySpan<byte> data, long offset)
    {
        RandomAccess.Write(file, data, offset);
        allocated?.Invoke(data.Length);
        return offset + data.Length;
    }

    private void WriteSymbolicLink(string path, TarEntry entry)
    {
        if (entry.LinkName.Length == 0)
        {
            throw new UnsafeLayerException(entry.Name, "a symlink needs a target");
        }

        Replace(path, entry.Name);
        root.CreateSymbolicLink(path, entry.LinkName);
        root.ChangeOwner(path, Uid(entry), Gid(entry));
        root.SetTimes(path, entry.ModificationTime);
    }

    private void WriteHardLink(string path, TarEntry entry)
    {
        var existing = EntryPath.Clean(entry.LinkName);
        var status = existing.Length == 0 ? null : root.GetStatus(existing);
        if (status is null or { IsDirectory: true })
        {
            throw new UnsafeLayerException(entry.Name, "a hard link must point to an earlier non-directory entry of the layer");
        }

        if (existing != path)
        {
            Replace(path, entry.Name);
            root.CreateHardLink(path, existing);
        }
    }

    private void WriteNode(string path, TarEntry entry)
    {
        var type = entry.Type switch
        {
            TarEntryType.CharacterDevice => SIfChr,
            TarEntryType.BlockDevice => SIfBlk,
            _ => SIfIfo,
        };
        Replace(path, entry.Name);
        root.CreateNode(path, type, entry.DeviceMajor, entry.DeviceMinor);
        root.ChangeOwner(path, Uid(entry), Gid(entry));
        root.ChangeMode(path, entry.Permissions);
        root.SetTimes(path, entry.ModificationTime);
    }

    /// <summary>Makes room for a new entry: parents are created, an old non-directory or empty directory removed.</summary>
    private void Replace(string path, string entryName, bool directory = false)
    {
        root.CreateDirectoryAll(EntryPath.Parent(path));
        if (options.KeepKinds && root.GetStatus(path) is { } existing && existing.IsDirectory != directory)
        {
            throw new UnsafeLayerException(entryName, existing.IsDirectory
                ? "it would overwrite a directory with a non-directory"
                : "it would overwrite a non-directory with a directory");
        }

        try
        {
            root.Remove(path);
        }
        catch (SyscallException e) when (e.Errno == ENotEmpty)
        {
            throw new UnsafeLayerException(entryName, "it would replace a non-empty directory");
        }
    }

    private uint Uid(TarEntry entry) => options.Owner?.Uid ?? entry.Uid;

    private uint Gid(TarEntry entry) => options.Owner?.Gid ?? entry.Gid;

    private void ApplyMetadata(SafeFileHandle handle, TarEntry entry)
    {
        handle.ChangeOwner(Uid(entry), Gid(entry));
        handle.ChangeMode(entry.Permissions);
        foreach (var (name, value) in entry.ExtendedAttributes)
        {
            if (!XattrPolicy.IsAllowed(name))
            {
                continue;
            }

            try
            {
                handle.SetExtendedAttribute(name, value);
            }
            catch (SyscallException e) when (e.Errno == EOpNotSupp)
            {
                // The snapshot filesystem lacks this namespace; the content itself is still correct.
            }
        }
    }
}
