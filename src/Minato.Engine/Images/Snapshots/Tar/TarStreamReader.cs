using Minato.Engine.Linux;

namespace Minato.Engine.Images.Snapshots.Tar;

/// <summary>Reads tar entries (ustar, PAX, GNU long names) from a forward-only stream, with every header bounded.</summary>
/// <remarks>
/// Written for this project rather than using System.Formats.Tar's TarReader: that reader buffers PAX and GNU
/// long-name headers of any announced size, so a header could claim gigabytes; here every metadata header is checked
/// against <see cref="UnpackLimits"/> before a byte of it is buffered. The reader never touches the filesystem.
/// </remarks>
public sealed class TarStreamReader
{
    // A real entry is preceded by a few metadata headers at most (PAX, GNU L, GNU K); more is a loop in disguise.
    private const int MaxMetadataHeaders = 8;

    private readonly Stream stream;
    private readonly UnpackLimits limits;
    private readonly byte[] block = new byte[TarHeader.BlockSize];
    private long remaining;
    private int padding;
    private bool ended;

    public TarStreamReader(Stream stream, UnpackLimits limits)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(limits);
        this.stream = stream;
        this.limits = limits;
    }

    /// <summary>
    /// The next entry, skipping unread content of the previous one; null at the end-of-archive marker, after the
    /// rest of the stream (bounded by <see cref="UnpackLimits.MaxTrailingBytes"/>) has been read so wrapping
    /// verifiers see every byte.
    /// </summary>
    public async ValueTask<TarEntry?> ReadNextAsync(CancellationToken cancellationToken)
    {
        if (ended)
        {
            return null;
        }

        await SkipAsync(remaining + padding, cancellationToken);
        remaining = padding = 0;
        var pax = new PaxAttributes(limits);
        string? longName = null, longLink = null;
        for (var count = 0; count <= MaxMetadataHeaders; count++)
        {
            await ReadExactlyAsync(block, cancellationToken);
            if (TarHeader.IsZero(block))
            {
                await EndAsync(count, cancellationToken);
                return null;
            }

            var header = new TarHeader(block);
            header.VerifyChecksum();
            switch ((char)header.TypeFlag)
            {
                case 'x':
                    pax.Parse(await ReadMetadataAsync(header.Size, limits.MaxPaxHeaderBytes, cancellationToken));
                    break;
                case 'g':
                    // Global defaults are not applied to layers, but the record is still bounded and checked.
                    new PaxAttributes(limits).Parse(await ReadMetadataAsync(header.Size, limits.MaxPaxHeaderBytes, cancellationToken));
                    break;
                case 'L':
                    longName = await ReadLongNameAsync(header.Size, cancellationToken);
                    break;
                case 'K':
                    longLink = await ReadLongNameAsync(header.Size, cancellationToken);
                    break;
                default:
                    return Complete(block, pax, longName, longLink);
            }
        }

        throw new MalformedLayerException("Too many tar metadata headers before one entry.");
    }

    /// <summary>Reads content of the current entry; 0 once it has all been read.</summary>
    public async ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var count = (int)Math.Min(buffer.Length, remaining);
        if (count == 0)
        {
            return 0;
        }

        var read = await stream.ReadAsync(buffer[..count], cancellationToken);
        if (read == 0)
        {
            throw Truncated();
        }

        remaining -= read;
        return read;
    }

    private TarEntry Complete(byte[] raw, PaxAttributes pax, string? longName, string? longLink)
    {
        var header = new TarHeader(raw);
        var name = pax.Path ?? longName ?? header.Name;
        var type = EntryType(header.TypeFlag, name);
        var isDevice = type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice;
        var size = pax.Size ?? header.Size;
        remaining = type == TarEntryType.RegularFile ? size : 0;
        padding = (int)((TarHeader.BlockSize - (remaining % TarHeader.BlockSize)) % TarHeader.BlockSize);
        return new TarEntry
        {
            Type = type,
            Name = name,
            LinkName = pax.LinkPath ?? longLink ?? header.LinkName,
            Permissions = header.Mode,
            Uid = pax.Uid ?? header.Uid,
            Gid = pax.Gid ?? header.Gid,
            Size = remaining,
            ModificationTime = pax.ModificationTime ?? new UnixTimestamp(header.ModificationTime, 0),
            DeviceMajor = isDevice ? header.DeviceMajor : 0,
            DeviceMinor = isDevice ? header.DeviceMinor : 0,
            ExtendedAttributes = pax.ExtendedAttributes,
        };
    }

    private static TarEntryType EntryType(byte flag, string name) => (char)flag switch
    {
        // Pre-POSIX archives mark directories only by a trailing slash on a regular entry.
        '0' or '\0' or '7' when name.EndsWith('/') => TarEntryType.Directory,
        '0' or '\0' or '7' => TarEntryType.RegularFile,
        '1' => TarEntryType.HardLink,
        '2' => TarEntryType.SymbolicLink,
        '3' => TarEntryType.CharacterDevice,
        '4' => TarEntryType.BlockDevice,
        '5' => TarEntryType.Directory,
        '6' => TarEntryType.Fifo,
        _ => throw new MalformedLayerException($"Unsupported tar entry type 0x{flag:x2}."),
    };

    private async ValueTask<byte[]> ReadMetadataAsync(long size, int limit, CancellationToken cancellationToken)
    {
        if (size > limit)
        {
            throw new MalformedLayerException($"Tar metadata header of {size} bytes exceeds the limit of {limit}.");
        }

        var data = new byte[size];
        await ReadExactlyAsync(data, cancellationToken);
        await SkipAsync((TarHeader.BlockSize - (size % TarHeader.BlockSize)) % TarHeader.BlockSize, cancellationToken);
        return data;
    }

    private async ValueTask<string> ReadLongNameAsync(long size, CancellationToken cancellationToken)
    {
        // GNU long names carry a trailing NUL, hence the extra byte.
        var data = await ReadMetadataAsync(size, limits.MaxPathBytes + 1, cancellationToken);
        return TarHeader.Text(data, "GNU long name");
    }

    private async ValueTask EndAsync(int metadataHeaders, CancellationToken cancellationToken)
    {
        await ReadExactlyAsync(block, cancellationToken);
        if (metadataHeaders > 0 || !TarHeader.IsZero(block))
        {
            throw new MalformedLayerException("Malformed tar end-of-archive marker.");
        }

        ended = true;
        long trailing = 0;
        int read;
        while ((read = await stream.ReadAsync(block, cancellationToken)) > 0)
        {
            trailing += read;
            if (trailing > limits.MaxTrailingBytes)
            {
                throw new MalformedLayerException($"More than {limits.MaxTrailingBytes} bytes after the end of the tar archive.");
            }
        }
    }

    private async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            var read = await stream.ReadAsync(block.AsMemory(0, (int)Math.Min(count, block.Length)), cancellationToken);
            count -= read > 0 ? read : throw Truncated();
        }
    }

    private async ValueTask ReadExactlyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
        }
        catch (EndOfStreamException e)
        {
            throw new MalformedLayerException("The tar stream is truncated.", e);
        }
    }

    private static MalformedLayerException Truncated() => new("The tar stream is truncated.");
}
