using System.Formats.Tar;
using System.Text.Json;
using System.Text.Json.Serialization;
using Minato.Engine.Linux;

namespace Minato.Engine.Containers;

/// <summary>What <c>config.dump</c> says about the checkpointed container, in the fields CRI-O and Podman write and
/// checkpointctl reads.</summary>
public sealed record CheckpointConfigDump
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The image id (<c>sha256:...</c>).</summary>
    [JsonPropertyName("rootfsImage")]
    public string RootfsImage { get; init; } = string.Empty;

    /// <summary>The image as the caller named it.</summary>
    [JsonPropertyName("rootfsImageName")]
    public string RootfsImageName { get; init; } = string.Empty;

    /// <summary>The OCI runtime handler.</summary>
    [JsonPropertyName("runtime")]
    public string Runtime { get; init; } = string.Empty;

    [JsonPropertyName("createdTime")]
    public DateTimeOffset CreatedTime { get; init; }

    [JsonPropertyName("checkpointedTime")]
    public DateTimeOffset CheckpointedTime { get; init; }
}

/// <summary>Source-generated JSON for the checkpoint archive's metadata files.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(CheckpointConfigDump))]
[JsonSerializable(typeof(List<string>))]
public sealed partial class CheckpointJsonContext : JsonSerializerContext;

/// <summary>Writes a container checkpoint archive in the layout CRI-O and Podman use (and checkpointctl reads):
/// CRIU's image files under <c>checkpoint/</c>, <c>config.dump</c>, <c>spec.dump</c>, the writable layer's changes as
/// <c>rootfs-diff.tar</c> and the files it deleted in <c>deleted.files</c> (a JSON list of paths).</summary>
/// <remarks>
/// The writable layer belongs to the container, which may still be running: it is read through
/// <see cref="RootedDirectory"/>, so no symlink the container plants can make the daemon read a host file.
/// </remarks>
public static class CheckpointArchive
{
    public const string CheckpointDirectory = "checkpoint";

    public const string ConfigDumpFile = "config.dump";

    public const string SpecDumpFile = "spec.dump";

    public const string RootfsDiffFile = "rootfs-diff.tar";

    public const string DeletedFilesFile = "deleted.files";

    public const string DumpLogFile = "dump.log";

    /// <summary>Writes the archive to <paramref name="output"/>. <paramref name="imageDirectory"/> holds CRIU's images,
    /// <paramref name="upperDirectory"/> is the overlay upper dir (missing means no changes), <paramref name="scratch"/>
    /// is a private directory for the nested rootfs tar, and <paramref name="dumpLog"/> CRIU's log when there is one.</summary>
    public static async Task WriteAsync(Stream output, string imageDirectory, CheckpointConfigDump config, byte[] specJson,
        string upperDirectory, string scratch, string? dumpLog, CancellationToken cancellationToken)
    {
        var rootfsDiff = Path.Combine(scratch, RootfsDiffFile);
        List<string> deleted;
        await using (var diff = new FileStream(rootfsDiff, FileMode.CreateNew, FileAccess.Write))
        {
            deleted = await WriteLayerAsync(diff, upperDirectory, cancellationToken);
        }

        await using var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await AddDirectoryAsync(tar, imageDirectory, CheckpointDirectory, cancellationToken);
        await AddBytesAsync(tar, ConfigDumpFile, JsonSerializer.SerializeToUtf8Bytes(config, CheckpointJsonContext.Default.CheckpointConfigDump), cancellationToken);
        await AddBytesAsync(tar, SpecDumpFile, specJson, cancellationToken);
        await tar.WriteEntryAsync(rootfsDiff, RootfsDiffFile, cancellationToken);
        if (deleted.Count > 0)
        {
            await AddBytesAsync(tar, DeletedFilesFile, JsonSerializer.SerializeToUtf8Bytes(deleted, CheckpointJsonContext.Default.ListString), cancellationToken);
        }

        if (dumpLog is not null && File.Exists(dumpLog))
        {
            await tar.WriteEntryAsync(dumpLog, DumpLogFile, cancellationToken);
        }
    }

    /// <summary>Writes the layer's contents (directories, files, symlinks, other nodes) as a tar with paths relative to
    /// the container's root, and returns the paths its whiteouts delete (each starting with '/').</summary>
    public static async Task<List<string>> WriteLayerAsync(Stream output, string upperDirectory, CancellationToken cancellationToken)
    {
        var deleted = new List<string>();
        await using var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        if (!Directory.Exists(upperDirectory))
        {
            return deleted;
        }

        using var root = RootedDirectory.Open(upperDirectory);
        var pending = new Stack<string>();
        pending.Push(string.Empty);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            List<string> names;
            using (var handle = root.OpenDirectoryNoFollow(directory))
            {
                names = ListNames(root.HostPath, directory);
            }

            foreach (var name in names.Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var path = directory.Length == 0 ? name : directory + "/" + name;
                if (root.GetStatus(path) is not { } status)
                {
                    continue; // removed while we walked: the container is running
                }

                if (status.IsOverlayWhiteout)
                {
                    deleted.Add("/" + path);
                    continue;
                }

                if (status.IsDirectory)
                {
                    await tar.WriteEntryAsync(Entry(TarEntryType.Directory, path + "/", status), cancellationToken);
                    pending.Push(path);
                }
                else if (status.IsRegularFile)
                {
                    using var file = root.OpenFileForReading(path);
                    await using var data = new FileStream(file, FileAccess.Read);
                    var entry = Entry(TarEntryType.RegularFile, path, status);
                    entry.DataStream = data;
                    await tar.WriteEntryAsync(entry, cancellationToken);
                }
                else if (status.IsSymbolicLink)
                {
                    var entry = Entry(TarEntryType.SymbolicLink, path, status);
                    entry.LinkName = root.ReadSymbolicLink(path);
                    await tar.WriteEntryAsync(entry, cancellationToken);
                }
                else if (status.IsFifo)
                {
                    await tar.WriteEntryAsync(Entry(TarEntryType.Fifo, path, status), cancellationToken);
                }
                else if (status.IsCharacterDevice || status.IsBlockDevice)
                {
                    var entry = Entry(status.IsCharacterDevice ? TarEntryType.CharacterDevice : TarEntryType.BlockDevice, path, status);
                    entry.DeviceMajor = (int)status.DeviceMajor;
                    entry.DeviceMinor = (int)status.DeviceMinor;
                    await tar.WriteEntryAsync(entry, cancellationToken);
                }

                // Sockets have no tar form; CRIU restores the ones a process holds.
            }
        }

        return deleted;
    }

    private static List<string> ListNames(string hostRoot, string directory)
    {
        // Names only: each entry is then examined through the rooted handle, never through this host path.
        var host = directory.Length == 0 ? hostRoot : Path.Combine(hostRoot, directory);
        try
        {
            return new DirectoryInfo(host).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = false })
                .Select(i => i.Name).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    private static PaxTarEntry Entry(TarEntryType type, string name, FileStatus status) => new(type, name)
    {
        Mode = (UnixFileMode)status.Permissions,
        Uid = (int)status.Uid,
        Gid = (int)status.Gid,
        ModificationTime = DateTimeOffset.FromUnixTimeSeconds(status.ModificationTime.Seconds),
    };

    private static async Task AddDirectoryAsync(TarWriter tar, string hostDirectory, string name, CancellationToken cancellationToken)
    {
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, name + "/") { Mode = (UnixFileMode)0x1C0 }, cancellationToken);
        foreach (var file in Directory.EnumerateFiles(hostDirectory).Order(StringComparer.Ordinal))
        {
            await tar.WriteEntryAsync(file, name + "/" + Path.GetFileName(file), cancellationToken);
        }
    }

    private static async Task AddBytesAsync(TarWriter tar, string name, byte[] bytes, CancellationToken cancellationToken)
    {
        using var data = new MemoryStream(bytes, writable: false);
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0x180, DataStream = data }, cancellationToken);
    }
}
