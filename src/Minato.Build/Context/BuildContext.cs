using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Linux;

namespace Minato.Build.Context;

/// <summary>Unpacks a build context sent as a (possibly compressed) tar stream, refusing anything that would escape it.</summary>
/// <remarks>
/// The tar goes through the engine's layer unpacker (<see cref="LayerUnpacker"/>): every entry is confined to the
/// directory with in-root path resolution, <c>..</c> names and hard links to anything but earlier entries are refused,
/// and so are device nodes and FIFOs. <c>.wh.</c> names are ordinary files here. The compression is detected from the
/// first bytes, as dockerd does: plain, gzip, bzip2, xz or zstd.
/// </remarks>
public static class BuildContext
{
    /// <summary>Most entries a context may hold.</summary>
    public const long MaxEntries = 1_000_000;

    private static readonly UnpackOptions ContextOptions = new() { Whiteouts = false, RefuseDevices = true };

    /// <summary>Extracts <paramref name="body"/> into <paramref name="directory"/> (created if missing, else it must be empty);
    /// <paramref name="maxBytes"/> bounds the uncompressed tar, headers included.</summary>
    /// <exception cref="InvalidInputException">An entry is unsafe or the stream is not a (compressed) tar; the message names the entry.</exception>
    /// <exception cref="StorageLimitException">The context is larger than <paramref name="maxBytes"/> or has too many entries.</exception>
    public static Task ExtractAsync(Stream body, string directory, long maxBytes, CancellationToken cancellationToken) =>
        ExtractAsync(body, directory, maxBytes, MaxEntries, cancellationToken);

    internal static async Task ExtractAsync(Stream body, string directory, long maxBytes, long maxEntries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        var created = !Directory.Exists(directory);
        if (created)
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else if (Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new ArgumentException($"the context directory {directory} is not empty", nameof(directory));
        }

        try
        {
            await using var tar = await ContextCompression.OpenAsync(body, cancellationToken);
            await using var limited = new LimitedStream(tar, maxBytes, "The build context", leaveOpen: true);
            using var root = RootedDirectory.Open(directory);
            var unpacker = new LayerUnpacker(new UnpackLimits { MaxBytes = maxBytes, MaxEntries = maxEntries });
            await unpacker.UnpackAsync(limited, root, ContextOptions, cancellationToken);
        }
        catch (Exception e)
        {
            Clear(directory, created);
            if (Map(e, maxBytes, maxEntries) is { } mapped)
            {
                throw mapped;
            }

            throw;
        }
    }

    private static Exception? Map(Exception e, long maxBytes, long maxEntries) => e switch
    {
        SizeLimitExceededException limit => new StorageLimitException(
            $"the build context is too large: {limit.Message.TrimEnd('.')} (at most {maxBytes} bytes and {maxEntries} entries)", e),
        UnsafeLayerException unsafeEntry => new InvalidInputException(
            $"the build context has an unsafe entry: {unsafeEntry.Message.TrimEnd('.')}", e),
        MalformedLayerException or InvalidDataException or SharpCompress.Common.SharpCompressException or ZstdSharp.ZstdException
            or EndOfStreamException => new InvalidInputException(
            $"the build context is not a tar archive (plain, gzip, bzip2, xz or zstd): {e.Message.TrimEnd('.')}", e),
        _ => null,
    };

    private static void Clear(string directory, bool created)
    {
        try
        {
            if (created)
            {
                Directory.Delete(directory, recursive: true);
                return;
            }

            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo { LinkTarget: null } sub)
                {
                    sub.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }
        catch (IOException)
        {
            // Best effort: the caller removes the context directory after the build in any case.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
