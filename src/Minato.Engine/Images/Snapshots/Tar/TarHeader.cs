using System.Text;

namespace Minato.Engine.Images.Snapshots.Tar;

/// <summary>Field access for one 512-byte ustar/GNU header block; every value is range-checked.</summary>
internal readonly ref struct TarHeader
{
    public const int BlockSize = 512;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> block;

    public TarHeader(ReadOnlySpan<byte> block)
    {
        this.block = block[..BlockSize];
    }

    public byte TypeFlag => block[156];

    /// <summary>POSIX ustar ("ustar\0" "00") keeps a name prefix at offset 345; GNU ("ustar  \0") uses that space otherwise.</summary>
    public bool IsUstar => block.Slice(257, 6).SequenceEqual("ustar\0"u8);

    public string Name => IsUstar && block[345] != 0
        ? $"{Text(block.Slice(345, 155), "prefix")}/{Text(block[..100], "name")}"
        : Text(block[..100], "name");

    public string LinkName => Text(block.Slice(157, 100), "linkname");

    public uint Mode => (uint)(Number(block.Slice(100, 8), "mode") & 0xFFF);

    public uint Uid => Id(Number(block.Slice(108, 8), "uid"), "uid");

    public uint Gid => Id(Number(block.Slice(116, 8), "gid"), "gid");

    public long Size => Number(block.Slice(124, 12), "size");

    public long ModificationTime => Number(block.Slice(136, 12), "mtime");

    public uint DeviceMajor => Device(block.Slice(329, 8), "devmajor");

    public uint DeviceMinor => Device(block.Slice(337, 8), "devminor");

    public static bool IsZero(ReadOnlySpan<byte> block) => !block[..BlockSize].ContainsAnyExcept((byte)0);

    /// <summary>Checks the header checksum; historic writers summed signed bytes, so both sums are accepted.</summary>
    public void VerifyChecksum()
    {
        var stored = Number(block.Slice(148, 8), "checksum");
        long unsigned = 0, signed = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : block[i];
            unsigned += b;
            signed += (sbyte)b;
        }

        if (stored != unsigned && stored != signed)
        {
            throw new MalformedLayerException("Tar header checksum mismatch (not a tar stream, or corrupt).");
        }
    }

    /// <summary>Decodes NUL-terminated text; names must be valid UTF-8 so they survive the round trip to the kernel.</summary>
    public static string Text(ReadOnlySpan<byte> field, string what)
    {
        var end = field.IndexOf((byte)0);
        try
        {
            return StrictUtf8.GetString(end < 0 ? field : field[..end]);
        }
        catch (DecoderFallbackException e)
        {
            throw new MalformedLayerException($"Tar {what} is not valid UTF-8.", e);
        }
    }

    /// <summary>Octal (space/NUL padded) or, with the high bit set, GNU base-256; negative values are refused.</summary>
    public static long Number(ReadOnlySpan<byte> field, string what)
    {
        if ((field[0] & 0x80) != 0)
        {
            return Base256(field, what);
        }

        var digits = field.Trim(" \0"u8);
        long value = 0;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'7' || value > (long.MaxValue >> 3))
            {
                throw new MalformedLayerException($"Tar header field {what} is not a valid octal number.");
            }

            value = (value << 3) | (long)(b - '0');
        }

        return value;
    }

    private static long Base256(ReadOnlySpan<byte> field, string what)
    {
        if ((field[0] & 0x40) != 0)
        {
            throw new MalformedLayerException($"Tar header field {what} is negative.");
        }

        long value = field[0] & 0x3F;
        foreach (var b in field[1..])
        {
            if (value > (long.MaxValue >> 8))
            {
                throw new MalformedLayerException($"Tar header field {what} is out of range.");
            }

            value = (value << 8) | b;
        }

        return value;
    }

    /// <summary>Ids go to chown, where 0xFFFFFFFF means "leave unchanged"; such an id is refused rather than misread.</summary>
    public static uint Id(long value, string what) => value is >= 0 and < uint.MaxValue
        ? (uint)value
        : throw new MalformedLayerException($"Tar {what} {value} is out of range.");

    private static uint Device(ReadOnlySpan<byte> field, string what)
    {
        var value = Number(field, what);
        return value <= uint.MaxValue ? (uint)value : throw new MalformedLayerException($"Tar {what} is out of range.");
    }
}
