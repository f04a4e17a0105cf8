using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Linux;
using Minato.Engine.Linux.Interop;
using Minato.Engine.Oci.Spec;
using static Minato.Engine.Linux.Interop.LinuxConstants;

namespace Minato.Engine.Containers;

/// <summary>Unpacks and validates a checkpoint archive (the layout <see cref="CheckpointArchive"/> writes, as CRI-O and
/// Podman do) that a caller hands over for restore. The archive is hostile until proven otherwise.</summary>
/// <remarks>
/// The archive goes through the same confined, bounded unpacker as image layers (<see cref="LayerUnpacker"/>), so no
/// entry lands outside the private directory. Afterwards only directories and regular files may remain (CRIU's images
/// are plain files; a symlink or device there would be followed or opened by CRIU or by the daemon), and the metadata
/// files are read through <see cref="RootedDirectory"/> with their sizes bounded before a byte is parsed.
/// </remarks>
public static class CheckpointArchiveReader
{
    /// <summary>Largest <c>config.dump</c> accepted.</summary>
    public const long MaxConfigDumpBytes = 1 << 20;

    /// <summary>Largest <c>spec.dump</c> accepted.</summary>
    public const long MaxSpecDumpBytes = 4 << 20;

    /// <summary>Largest <c>deleted.files</c> accepted.</summary>
    public const long MaxDeletedFilesBytes = 4 << 20;

    /// <summary>Most paths <c>deleted.files</c> may list.</summary>
    public const int MaxDeletedFiles = 100_000;

    /// <summary>Most entries the archive may hold (CRIU writes a few files per process).</summary>
    public const long MaxEntries = 100_000;

    /// <summary>The CRIU image every dump starts from; without it CRIU has nothing to restore.</summary>
    public const string InventoryImage = "inventory.img";

    /// <summary>Unpacks the archive at <paramref name="archive"/> into <paramref name="directory"/> (which must not exist)
    /// and validates it; on any failure the directory is removed.</summary>
    /// <exception cref="NotFoundException">No file at <paramref name="archive"/>.</exception>
    /// <exception cref="InvalidInputException">Not a checkpoint archive, malformed, too large, or an entry escapes;
    /// the message names the archive and what is wrong.</exception>
    public static async Task<UnpackedCheckpoint> UnpackAsync(string archive, string directory, CancellationToken cancellationToken)
    {
        var file = OpenArchive(archive);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            await using (file)
            {
                // An uncompressed tar holds no more content than its own length.
                var limits = new UnpackLimits { MaxBytes = file.Length, MaxEntries = MaxEntries };
                try
                {
                    await new LayerUnpacker(limits).UnpackAsync(file, directory, cancellationToken);
                }
                catch (Exception e) when (e is UnsafeLayerException or SizeLimitExceededException or MalformedLayerException or InvalidDataException or EndOfStreamException)
                {
                    throw Invalid(archive, $"it is not a well-formed tar: {e.Message}");
                }
            }

            using var root = RootedDirectory.Open(directory);
            CheckEntries(archive, root, string.Empty);
            if (root.GetStatus(CheckpointArchive.CheckpointDirectory) is not { IsDirectory: true } ||
                root.GetStatus(CheckpointArchive.CheckpointDirectory + "/" + InventoryImage) is not { IsRegularFile: true })
            {
                throw Invalid(archive, $"it has no {CheckpointArchive.CheckpointDirectory}/ directory with CRIU's images ({InventoryImage})");
            }

            var config = Parse(archive, root, CheckpointArchive.ConfigDumpFile, MaxConfigDumpBytes, required: true,
                bytes => JsonSerializer.Deserialize(bytes, CheckpointJsonContext.Default.CheckpointConfigDump))!;
            var spec = Parse(archive, root, CheckpointArchive.SpecDumpFile, MaxSpecDumpBytes, required: true,
                bytes => JsonSerializer.Deserialize(bytes, RuntimeSpecJsonContext.Default.RuntimeSpec))!;
            var deleted = Parse(archive, root, CheckpointArchive.DeletedFilesFile, MaxDeletedFilesBytes, required: false,
                bytes => JsonSerializer.Deserialize(bytes, CheckpointJsonContext.Default.ListString)) ?? [];
            if (root.GetStatus(CheckpointArchive.RootfsDiffFile) is { } diff && !diff.IsRegularFile)
            {
                throw Invalid(archive, $"{CheckpointArchive.RootfsDiffFile} is not a regular file");
            }

            return new UnpackedCheckpoint(archive, directory, config, spec, CleanDeletedFiles(archive, deleted));
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Opens the archive, which must be a regular file: O_NONBLOCK keeps a FIFO named as the archive from
    /// hanging the call (it has no effect on a regular file).</summary>
    private static FileStream OpenArchive(string archive)
    {
        var fd = Libc.OpenatCwd(AtFdCwd, archive, ORdOnly | ONonBlock | OCloExec, 0);
        if (fd < 0)
        {
            var error = SyscallException.FromLastError("open", archive);
            throw error.Errno is ENoEnt or ENotDir
                ? new NotFoundException($"checkpoint archive {archive} not found")
                : Invalid(archive, $"it cannot be opened: {error.Message}");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (!handle.GetStatus().IsRegularFile)
        {
            handle.Dispose();
            throw Invalid(archive, "it is not a regular file");
        }

        return new FileStream(handle, FileAccess.Read, 1 << 16);
    }

    /// <summary>Turns one <c>deleted.files</c> entry into a clean path relative to the rootfs, or null when it names
    /// something outside it (a <c>..</c> component) or the root itself.</summary>
    public static string? CleanRootfsPath(string path)
    {
        if (path.Length == 0 || path.Length > 4096 || path.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        return parts.Count == 0 || parts.Contains("..") ? null : string.Join('/', parts);
    }

    private static List<string> CleanDeletedFiles(string archive, List<string> deleted)
    {
        if (deleted.Count > MaxDeletedFiles)
        {
            throw Invalid(archive, $"{CheckpointArchive.DeletedFilesFile} lists more than {MaxDeletedFiles} paths");
        }

        var clean = new List<string>(deleted.Count);
        foreach (var path in deleted)
        {
            clean.Add(CleanRootfsPath(path ?? string.Empty) ??
                throw Invalid(archive, $"{CheckpointArchive.DeletedFilesFile} names \"{Shorten(path ?? "null")}\", which is not a path inside the container's root filesystem"));
        }

        return clean;
    }

    private static T? Parse<T>(string archive, RootedDirectory root, string name, long maxBytes, bool required, Func<byte[], T?> parse)
        where T : class
    {
        if (root.GetStatus(name) is not { } status)
        {
            return required ? throw Invalid(archive, $"it has no {name}") : null;
        }

        if (!status.IsRegularFile)
        {
            throw Invalid(archive, $"{name} is not a regular file");
        }

        if (status.Size > maxBytes)
        {
            throw Invalid(archive, $"{name} is {status.Size} bytes, more than the {maxBytes} allowed");
        }

        using var handle = root.OpenFileForReading(name);
        var bytes = new byte[status.Size];
        RandomAccess.Read(handle, bytes, 0);
        try
        {
            return parse(bytes) ?? throw Invalid(archive, $"{name} is JSON null");
        }
        catch (JsonException e)
        {
            throw Invalid(archive, $"{name} is not valid: {e.Message}");
        }
    }

    /// <summary>Only directories and regular files may be in a checkpoint archive.</summary>
    private static void CheckEntries(string archive, RootedDirectory root, string directory)
    {
        var host = directory.Length == 0 ? root.HostPath : Path.Combine(root.HostPath, directory);
        foreach (var name in new DirectoryInfo(host).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }).Select(i => i.Name).ToList())
        {
            var path = directory.Length == 0 ? name : directory + "/" + name;
            var status = root.GetStatus(path) ?? throw Invalid(archive, $"entry {path} vanished while it was checked");
            if (status.IsDirectory)
            {
                CheckEntries(archive, root, path);
            }
            else if (!status.IsRegularFile)
            {
                throw Invalid(archive, $"entry {Shorten(path)} is not a regular file or directory (links, devices and whiteouts are refused)");
            }
        }
    }

    private static InvalidInputException Invalid(string archive, string what) =>
        new($"checkpoint archive {Shorten(archive)} is not usable: {what}");

    private static string Shorten(string value) => value.Length <= 200 ? value : value[..200] + "...";
}
