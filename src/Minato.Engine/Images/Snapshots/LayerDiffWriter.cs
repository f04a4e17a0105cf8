using System.Formats.Tar;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Minato.Engine.Linux;

namespace Minato.Engine.Images.Snapshots;

/// <summary>Writes the changes an overlayfs upper directory holds as an uncompressed OCI layer tar.</summary>
/// <remarks>
/// The upper directory already is the diff: what a container added or changed was copied up into it, a deletion is a
/// 0/0 character device and a directory that hides everything below it carries <c>trusted.overlay.opaque=y</c>
/// (<c>user.overlay.opaque</c> on a userxattr mount). Those become <c>.wh.&lt;name&gt;</c> and <c>.wh..wh..opq</c>
/// entries, as the OCI image spec and Docker's overlay2 driver write them. Entries come in name order, parents first,
/// with mode, owner, modification time (to the 100 ns a tar keeps), symlink targets and hard links (by inode) as found,
/// and the extended attributes <see cref="XattrPolicy"/> lets an unpacker keep whose values are text (a PAX record is
/// text in .NET's writer). Everything is read through <see cref="RootedDirectory"/>, so a symlink the container left
/// leads nowhere outside the layer. The lower directories (top first) only let a whiteout that hides nothing be dropped.
/// </remarks>
public static class LayerDiffWriter
{
    /// <summary>Most entries written; a larger layer fails rather than holding the daemon.</summary>
    public const int MaxEntries = 1_000_000;

    private const string OpaqueUserXattr = "user.overlay.opaque";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes the layer tar of <paramref name="upperDirectory"/> to <paramref name="destination"/> (left open).</summary>
    public static async Task WriteAsync(
        string upperDirectory, IReadOnlyList<string> lowerDirectories, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lowerDirectories);
        using var upper = RootedDirectory.Open(upperDirectory);
        var lowers = lowerDirectories.Select(RootedDirectory.Open).ToList();
        try
        {
            await using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
            var links = new Dictionary<(ulong Device, ulong Inode), string>();
            var pending = new Stack<string>();
            pending.Push(string.Empty);
            var written = 0;
            while (pending.TryPop(out var path))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (path.Length > 0)
                {
                    if (++written > MaxEntries)
                    {
                        throw new InvalidDataException($"{upperDirectory} holds more than {MaxEntries} entries");
                    }

                    if (upper.GetStatus(path) is not { } status)
                    {
                        continue;
                    }

                    await WriteEntryAsync(writer, upper, lowers, path, status, links, cancellationToken);
                    if (!status.IsDirectory)
                    {
                        continue;
                    }
                }

                foreach (var name in upper.List(path, MaxEntries).Reverse())
                {
                    pending.Push(path.Length == 0 ? name : $"{path}/{name}");
                }
            }
        }
        finally
        {
            lowers.ForEach(l => l.Dispose());
        }
    }

    private static async Task WriteEntryAsync(
        TarWriter writer, RootedDirectory upper, List<RootedDirectory> lowers, string path, FileStatus status,
        Dictionary<(ulong, ulong), string> links, CancellationToken cancellationToken)
    {
        if (status.IsOverlayWhiteout)
        {
            if (lowers.Count == 0 || lowers.Any(l => l.GetStatus(path) is { IsOverlayWhiteout: false }))
            {
                await writer.WriteEntryAsync(Marker(WhiteoutName(path), 0x180, status), cancellationToken);
            }

            return;
        }

        if (status.IsDirectory)
        {
            using var handle = upper.OpenDirectoryNoFollow(path);
            await writer.WriteEntryAsync(Describe(new PaxTarEntry(TarEntryType.Directory, path + "/", Xattrs(handle)), status), cancellationToken);
            if (IsOpaque(handle))
            {
                await writer.WriteEntryAsync(Marker($"{path}/{Whiteout.OpaqueMarker}", status.Permissions & 0x1FF, status), cancellationToken);
            }

            return;
        }

        if (!status.IsDirectory && status.LinkCount > 1 && status.Inode != 0)
        {
            if (links.TryGetValue((status.Device, status.Inode), out var first))
            {
                await writer.WriteEntryAsync(Describe(new PaxTarEntry(TarEntryType.HardLink, path) { LinkName = first }, status), cancellationToken);
                return;
            }

            links[(status.Device, status.Inode)] = path;
        }

        if (status.IsRegularFile)
        {
            using var handle = upper.OpenRegularFileForReading(path);
            await using var data = new FileStream(handle, FileAccess.Read, 1 << 16);
            var entry = Describe(new PaxTarEntry(TarEntryType.RegularFile, path, Xattrs(handle)), status);
            entry.DataStream = data;
            await writer.WriteEntryAsync(entry, cancellationToken);
            return;
        }

        PaxTarEntry other;
        if (status.IsSymbolicLink)
        {
            other = new PaxTarEntry(TarEntryType.SymbolicLink, path) { LinkName = upper.ReadSymbolicLink(path) };
        }
        else if (status.IsCharacterDevice || status.IsBlockDevice)
        {
            other = new PaxTarEntry(status.IsCharacterDevice ? TarEntryType.CharacterDevice : TarEntryType.BlockDevice, path)
            {
                DeviceMajor = (int)status.DeviceMajor,
                DeviceMinor = (int)status.DeviceMinor,
            };
        }
        else if (status.IsFifo)
        {
            other = new PaxTarEntry(TarEntryType.Fifo, path);
        }
        else
        {
            // A socket has no tar form; Docker skips it too.
            return;
        }

        await writer.WriteEntryAsync(Describe(other, status), cancellationToken);
    }

    private static string WhiteoutName(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? Whiteout.Prefix + path : $"{path[..(slash + 1)]}{Whiteout.Prefix}{path[(slash + 1)..]}";
    }

    private static PaxTarEntry Marker(string name, uint mode, FileStatus status) =>
        Describe(new PaxTarEntry(TarEntryType.RegularFile, name), status with { Mode = mode });

    private static PaxTarEntry Describe(PaxTarEntry entry, FileStatus status)
    {
        entry.Mode = (UnixFileMode)status.Permissions;
        entry.Uid = (int)status.Uid;
        entry.Gid = (int)status.Gid;
        entry.ModificationTime = DateTimeOffset.FromUnixTimeSeconds(status.ModificationTime.Seconds)
            .AddTicks(status.ModificationTime.Nanoseconds / 100);
        return entry;
    }

    private static bool IsOpaque(SafeFileHandle directory) =>
        directory.GetExtendedAttribute(Whiteout.OpaqueXattr) is [(byte)'y']
        || directory.GetExtendedAttribute(OpaqueUserXattr) is [(byte)'y'];

    private static Dictionary<string, string> Xattrs(SafeFileHandle handle)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in handle.ListExtendedAttributes())
        {
            if (!XattrPolicy.IsAllowed(name) || name.StartsWith("user.overlay.", StringComparison.Ordinal))
            {
                continue;
            }

            if (handle.GetExtendedAttribute(name) is not { } value)
            {
                continue;
            }

            try
            {
                found["SCHILY.xattr." + name] = StrictUtf8.GetString(value);
            }
            catch (DecoderFallbackException)
            {
                // Binary values have no faithful form in .NET's PAX records; leaving one out beats corrupting it.
            }
        }

        return found;
    }
}
