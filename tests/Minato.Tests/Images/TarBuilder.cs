using System.Buffers;
using System.Globalization;
using System.Text;

namespace Minato.Tests.Images;

/// <summary>Builds tar archives byte by byte, so tests can write headers no well-behaved tar writer would.</summary>
internal sealed class TarBuilder
{
    public const long DefaultTime = 1_700_000_000;

    private readonly ArrayBufferWriter<byte> output = new();

    public static uint Octal(string digits) => Convert.ToUInt32(digits, 8);

    public TarBuilder File(string name, string content, string mode = "644", uint uid = 0, uint gid = 0, long mtime = DefaultTime) =>
        Entry('0', name, Encoding.UTF8.GetBytes(content), mode: mode, uid: uid, gid: gid, mtime: mtime);

    public TarBuilder Directory(string name, string mode = "755", uint uid = 0, uint gid = 0, long mtime = DefaultTime) =>
        Entry('5', name, [], mode: mode, uid: uid, gid: gid, mtime: mtime);

    public TarBuilder Symlink(string name, string target, uint uid = 0, uint gid = 0) =>
        Entry('2', name, [], link: target, mode: "777", uid: uid, gid: gid);

    public TarBuilder HardLink(string name, string target) => Entry('1', name, [], link: target);

    public TarBuilder Node(char type, string name, uint major, uint minor, string mode) =>
        Entry(type, name, [], mode: mode, major: major, minor: minor);

    /// <summary>A PAX 'x' header applying to the next entry.</summary>
    public TarBuilder Pax(params (string Key, byte[] Value)[] records)
    {
        var body = new MemoryStream();
        foreach (var (key, value) in records)
        {
            body.Write(PaxRecord(key, value));
        }

        return Entry('x', "PaxHeaders/x", body.ToArray());
    }

    public TarBuilder Pax(string key, string value) => Pax((key, Encoding.UTF8.GetBytes(value)));

    /// <summary>A GNU 'L' (long name) or 'K' (long link) header applying to the next entry.</summary>
    public TarBuilder GnuLong(char type, string value) =>
        Entry(type, "././@LongLink", Encoding.UTF8.GetBytes(value + "\0"));

    /// <summary>One header block plus padded content; <paramref name="size"/> overrides the header's size field.</summary>
    public TarBuilder Entry(
        char type, string name, byte[] data, string link = "", string mode = "644", uint uid = 0, uint gid = 0,
        long mtime = DefaultTime, uint major = 0, uint minor = 0, long? size = null)
    {
        var header = new byte[512];
        Put(header, 0, 100, Encoding.UTF8.GetBytes(name));
        PutOctal(header, 100, 8, Octal(mode));
        PutOctal(header, 108, 8, uid);
        PutOctal(header, 116, 8, gid);
        PutOctal(header, 124, 12, size ?? data.Length);
        PutOctal(header, 136, 12, mtime);
        header[156] = (byte)type;
        Put(header, 157, 100, Encoding.UTF8.GetBytes(link));
        Put(header, 257, 8, "ustar\000"u8.ToArray());
        PutOctal(header, 329, 8, major);
        PutOctal(header, 337, 8, minor);
        Checksum(header);
        output.Write(header.AsSpan());
        output.Write(data.AsSpan());
        output.Write(new byte[(512 - (data.Length % 512)) % 512].AsSpan());
        return this;
    }

    public byte[] Build(bool endMarker = true)
    {
        if (endMarker)
        {
            output.Write(new byte[1024].AsSpan());
        }

        return output.WrittenSpan.ToArray();
    }

    public static void Checksum(byte[] header)
    {
        header.AsSpan(148, 8).Fill((byte)' ');
        var sum = header.AsSpan(0, 512).ToArray().Sum(b => (long)b);
        PutOctal(header, 148, 7, sum);
    }

    private static byte[] PaxRecord(string key, byte[] value)
    {
        var body = Encoding.UTF8.GetByteCount(key) + value.Length + 3;
        var length = body + body.ToString(CultureInfo.InvariantCulture).Length;
        if (length.ToString(CultureInfo.InvariantCulture).Length != (length - body))
        {
            length++;
        }

        var record = new MemoryStream();
        record.Write(Encoding.UTF8.GetBytes($"{length} {key}="));
        record.Write(value);
        record.WriteByte((byte)'\n');
        return record.ToArray();
    }

    private static void Put(byte[] header, int offset, int length, byte[] value) =>
        value.AsSpan(0, Math.Min(length, value.Length)).CopyTo(header.AsSpan(offset));

    private static void PutOctal(byte[] header, int offset, int length, long value) =>
        Put(header, offset, length, Encoding.ASCII.GetBytes(Convert.ToString(value, 8).PadLeft(length - 1, '0') + "\0"));
}
