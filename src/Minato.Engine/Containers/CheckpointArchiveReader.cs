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
/// Podman do) that a caller hands over for restore, or the same files held in a checkpoint image's layer. The
/// archive or image is hostile until proven otherwise; both forms pass the same checks.</summary>
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

            return Validate(archive, directory, fromImage: false);
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Copies the checkpoint held by an image's unpacked layer (<paramref name="snapshot"/>, shared and never
    /// written here) into <paramref name="directory"/> (which must not exist) and validates it exactly as an archive;
    /// on any failure the directory is removed. <paramref name="image"/> names the image in messages.</summary>
    /// <exception cref="InvalidInputException">The layer holds no usable checkpoint: something that is not a
    /// directory or regular file, too many entries, or a missing or malformed metadata file.</exception>
    public static UnpackedCheckpoint CopyFromSnapshot(string image, string snapshot, string directory)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            using (var source = RootedDirectory.Open(snapshot))
            using (var target = RootedDirectory.Open(directory))
            {
                long entries = 0;
                Copy(image, source, target, string.Empty, ref entries);
            }

            return Validate(image, directory, fromImage: true);
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Copies directories and regular files only (by descriptor, no link followed); anything else is refused
    /// with the same words as in an archive.</summary>
    private static void Copy(string image, RootedDirectory source, RootedDirectory target, string directory, ref long entries)
    {
        var host = directory.Length == 0 ? source.HostPath : Path.Combine(source.HostPath, directory);
        foreach (var name in new DirectoryInfo(host).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }).Select(i => i.Name).ToList())
        {
            if (++entries > MaxEntries)
            {
                throw InvalidImage(image, $"it holds more than {MaxEntries} entries");
            }

            var path = directory.Length == 0 ? name : directory + "/" + name;
            var status = source.GetStatus(path) ?? throw InvalidImage(image, $"entry {path} vanished while it was copied");
            if (status.IsDirectory)
            {
                target.CreateDirectory(path);
                Copy(image, source, target, path, ref entries);
            }
            else if (status.IsRegularFile)
            {
                using var from = new FileStream(source.OpenFileForReading(path), FileAccess.Read, 1 << 16);
                using var to = new FileStream(target.CreateFile(path), FileAccess.Write, 1 << 16);
                from.CopyTo(to);
            }
            else
            {
                throw InvalidImage(image, $"entry {Shorten(path)} is not a regular file or directory (links, devices and whiteouts are refused)");
            }
        }
    }

    /// <summary>Checks an unpacked checkpoint directory and reads its metadata.</summary>
    private static UnpackedCheckpoint Validate(string source, string directory, bool fromImage)
    {
        Func<string, string, InvalidInputException> invalid = fromImage ? InvalidImage : Invalid;
        using var root = RootedDirectory.Open(directory);
        CheckEntries(source, root, string.Empty, invalid);
        if (root.GetStatus(CheckpointArchive.CheckpointDirectory) is not { IsDirectory: true } ||
            root.GetStatus(CheckpointArchive.CheckpointDirectory + "/" + InventoryImage) is not { IsRegularFile: true })
        {
            throw invalid(source, $"it has no {CheckpointArchive.CheckpointDirectory}/ directory with CRIU's images ({InventoryImage})");
        }

        var config = Parse(source, root, CheckpointArchive.ConfigDumpFile, MaxConfigDumpBytes, required: true, invalid,
            bytes => JsonSerializer.Deserialize(bytes, CheckpointJsonContext.Default.CheckpointConfigDump))!;
        var spec = Parse(source, root, CheckpointArchive.SpecDumpFile, MaxSpecDumpBytes, required: true, invalid,
            bytes => JsonSerializer.Deserialize(bytes, RuntimeSpecJsonContext.Default.RuntimeSpec))!;
        var deleted = Parse(source, root, CheckpointArchive.DeletedFilesFile, MaxDeletedFilesBytes, required: false, invalid,
            bytes => JsonSerializer.Deserialize(bytes, CheckpointJsonContext.Default.ListString)) ?? [];
        if (root.GetStatus(CheckpointArchive.RootfsDiffFile) is { } diff && !diff.IsRegularFile)
        {
            throw invalid(source, $"{CheckpointArchive.RootfsDiffFile} is not a regular file");
        }

        return new UnpackedCheckpoint(source, directory, config, spec, CleanDeletedFiles(source, deleted, invalid)) { FromImage = fromImage };
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

    private static List<string> CleanDeletedFiles(string archive, List<string> deleted, Func<string, string, InvalidInputException> invalid)
    {
        if (deleted.Count > MaxDeletedFiles)
        {
            throw invalid(archive, $"{CheckpointArchive.DeletedFilesFile} lists more than {MaxDeletedFiles} paths");
        }

        var clean = new List<string>(deleted.Count);
        foreach (var path in deleted)
        {
            clean.Add(CleanRootfsPath(path ?? string.Empty) ??
                throw invalid(archive, $"{CheckpointArchive.DeletedFilesFile} names \"{Shorten(path ?? "null")}\", which is not a path inside the container's root filesystem"));
        }

        return clean;
    }

    private static T? Parse<T>(string archive, RootedDirectory root, string name, long maxBytes, bool required, Func<string, string, InvalidInputException> invalid, Func<byte[], T?> parse)
        where T : class
    {
        if (root.GetStatus(name) is not { } status)
        {
            return required ? throw invalid(archive, $"it has no {name}") : null;
        }

        if (!status.IsRegularFile)
        {
            throw invalid(archive, $"{name} is not a regular file");
        }

        if (status.Size > maxBytes)
        {
            throw invalid(archive, $"{name} is {status.Size} bytes, more than the {maxBytes} allowed");
        }

        using var handle = root.OpenFileForReading(name);
        var bytes = new byte[status.Size];
        RandomAccess.Read(handle, bytes, 0);
        try
        {
            return parse(bytes) ?? throw invalid(archive, $"{name} is JSON null");
        }
        catch (JsonException e)
        {
            throw invalid(archive, $"{name} is not valid: {e.Message}");
        }
    }

    /// <summary>Only directories and regular files may be in a checkpoint archive.</summary>
    private static void CheckEntries(string archive, RootedDirectory root, string directory, Func<string, string, InvalidInputException> invalid)
    {
        var host = directory.Length == 0 ? root.HostPath : Path.Combine(root.HostPath, directory);
        foreach (var name in new DirectoryInfo(host).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }).Select(i => i.Name).ToList())
        {
            var path = directory.Length == 0 ? name : directory + "/" + name;
            var status = root.GetStatus(path) ?? throw invalid(archive, $"entry {path} vanished while it was checked");
            if (status.IsDirectory)
            {
                CheckEntries(archive, root, path, invalid);
            }
            else if (!status.IsRegularFile)
            {
                throw invalid(archive, $"entry {Shorten(path)} is not a regular file or directory (links, devices and whiteouts are refused)");
            }
        }
    }

    private static InvalidInputException Invalid(string archive, string what) =>
        new($"checkpoint archive {Shorten(archive)} is not usable: {what}");

    private static InvalidInputException InvalidImage(string image, string what) =>
        new($"checkpoint image {Shorten(image)} is not usable: {what}");

    private static string Shorten(string value) => value.Length <= 200 ? value : value[..200] + "...";
}
