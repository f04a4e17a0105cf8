using System.Globalization;
using Minato.Engine.Linux;

namespace Minato.Engine.Images.Snapshots.Tar;

/// <summary>The PAX extended-header records that override the next entry's header fields.</summary>
/// <remarks>Records read "&lt;length&gt; &lt;key&gt;=&lt;value&gt;\n"; keys the unpacker does not use are skipped.</remarks>
internal sealed class PaxAttributes
{
    private const string XattrPrefix = "SCHILY.xattr.";

    private readonly UnpackLimits limits;

    public PaxAttributes(UnpackLimits limits)
    {
        this.limits = limits;
    }

    public string? Path { get; private set; }

    public string? LinkPath { get; private set; }

    public long? Size { get; private set; }

    public uint? Uid { get; private set; }

    public uint? Gid { get; private set; }

    public UnixTimestamp? ModificationTime { get; private set; }

    public Dictionary<string, byte[]> ExtendedAttributes { get; } = new(StringComparer.Ordinal);

    /// <summary>Applies every record in <paramref name="data"/>; a later record overrides an earlier one.</summary>
    public void Parse(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var space = data[..Math.Min(data.Length, 12)].IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(data[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= space + 2 || length > data.Length || data[length - 1] != (byte)'\n')
            {
                throw new MalformedLayerException("Malformed PAX record.");
            }

            var record = data[(space + 1)..(length - 1)];
            var equals = record.IndexOf((byte)'=');
            if (equals <= 0)
            {
                throw new MalformedLayerException("PAX record without a key.");
            }

            Apply(TarHeader.Text(record[..equals], "PAX key"), record[(equals + 1)..]);
            data = data[length..];
        }
    }

    private void Apply(string key, ReadOnlySpan<byte> value)
    {
        switch (key)
        {
            case "path":
                Path = PathValue(value, key);
                break;
            case "linkpath":
                LinkPath = PathValue(value, key);
                break;
            case "size":
                Size = Decimal(value, key);
                break;
            case "uid":
                Uid = TarHeader.Id(Decimal(value, key), key);
                break;
            case "gid":
                Gid = TarHeader.Id(Decimal(value, key), key);
                break;
            case "mtime":
                ModificationTime = Time(value);
                break;
            case not null when key.StartsWith(XattrPrefix, StringComparison.Ordinal):
                AddXattr(key[XattrPrefix.Length..], value);
                break;
            case not null when key.StartsWith("GNU.sparse.", StringComparison.Ordinal):
                throw new MalformedLayerException("Sparse tar entries are not supported in layers.");
        }
    }

    private string? PathValue(ReadOnlySpan<byte> value, string key)
    {
        if (value.Length > limits.MaxPathBytes || value.Contains((byte)0))
        {
            throw new MalformedLayerException($"PAX {key} is longer than {limits.MaxPathBytes} bytes or contains NUL.");
        }

        // An empty value removes the override, per POSIX.
        return value.IsEmpty ? null : TarHeader.Text(value, key);
    }

    private void AddXattr(string name, ReadOnlySpan<byte> value)
    {
        if (name.Length is 0 or > 255 || name.Contains('\0', StringComparison.Ordinal) || value.Length > 65536)
        {
            throw new MalformedLayerException("PAX extended attribute name or value out of range.");
        }

        ExtendedAttributes[name] = value.ToArray();
        if (ExtendedAttributes.Count > limits.MaxXattrsPerEntry)
        {
            throw new MalformedLayerException($"More than {limits.MaxXattrsPerEntry} extended attributes on one entry.");
        }
    }

    private static long Decimal(ReadOnlySpan<byte> value, string key) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new MalformedLayerException($"PAX {key} is not a decimal number.");

    /// <summary>"seconds[.fraction]", possibly negative; the fraction is kept to nanoseconds.</summary>
    private static UnixTimestamp Time(ReadOnlySpan<byte> value)
    {
        var dot = value.IndexOf((byte)'.');
        var whole = dot < 0 ? value : value[..dot];
        var fraction = dot < 0 ? [] : value[(dot + 1)..];
        if (!long.TryParse(whole, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            || fraction.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            throw new MalformedLayerException("PAX mtime is not a decimal time.");
        }

        uint nanos = 0;
        for (var i = 0; i < 9; i++)
        {
            nanos = (nanos * 10) + (uint)(i < fraction.Length ? fraction[i] - '0' : 0);
        }

        // Negative times before the epoch: -1.5 is 2 seconds back plus 0.5.
        return whole.StartsWith("-"u8) && nanos > 0 ? new UnixTimestamp(seconds - 1, 1_000_000_000 - nanos) : new UnixTimestamp(seconds, nanos);
    }
}
