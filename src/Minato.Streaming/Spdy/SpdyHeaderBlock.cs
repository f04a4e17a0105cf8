using System.Buffers.Binary;
using System.Text;
using ICSharpCode.SharpZipLib.Zip.Compression;

namespace Minato.Streaming.Spdy;

/// <summary>SPDY/3 name/value header blocks (section 2.6.10): one zlib stream per direction and session, primed
/// with <see cref="SpdyDictionary"/>, each block ending on a flush so the peer can decode it alone.</summary>
/// <remarks>
/// Outgoing blocks are deflate stored blocks: what Minato sends is a few bytes (an empty SYN_REPLY), and every
/// inflater reads stored blocks. Each block ends with the empty stored block zlib's Z_SYNC_FLUSH writes: Go's
/// compress/flate (kubectl's and the kubelet's framer) hands a block's bytes out only once it reads that marker;
/// without it, it read on into the frame's end and kept that error, so the second SYN_REPLY of a session never
/// parsed. Incoming blocks are inflated with SharpZipLib, which takes the preset dictionary the client's deflater
/// refers to.
/// </remarks>
internal sealed class SpdyHeaderBlock
{
    /// <summary>Largest decompressed block accepted; the kubelet's clients send a few short headers.</summary>
    public const int MaxDecodedLength = 64 * 1024;

    /// <summary>Most name/value pairs accepted in one block.</summary>
    public const int MaxPairs = 256;

    /// <summary>An empty non-final stored block: what zlib's Z_SYNC_FLUSH ends its output with.</summary>
    private static readonly byte[] SyncFlushMarker = [0x00, 0x00, 0x00, 0xff, 0xff];

    private readonly Inflater _inflater = new();
    private readonly Lock _encodeLock = new();
    private readonly Lock _decodeLock = new();
    private bool _headerWritten;

    /// <summary>Serialises and compresses <paramref name="headers"/> (names are lowercased, as SPDY requires).</summary>
    public byte[] Encode(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var plain = new MemoryStream();
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, headers.Count);
        plain.Write(word);
        foreach (var (name, value) in headers)
        {
            WriteString(plain, name.ToLowerInvariant(), word);
            WriteString(plain, value, word);
        }

        lock (_encodeLock)
        {
            return StoredBlocks(plain.GetBuffer().AsSpan(0, (int)plain.Length));
        }
    }

    /// <summary>Decompresses and parses one block; throws <see cref="SpdyProtocolException"/> on anything malformed.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Decode(ReadOnlySpan<byte> compressed)
    {
        byte[] plain;
        int length;
        lock (_decodeLock)
        {
            (plain, length) = Inflate(compressed.ToArray());
        }

        return Parse(plain.AsSpan(0, length));
    }

    /// <summary>Parses an uncompressed block; every length is checked against what remains.</summary>
    internal static List<KeyValuePair<string, string>> Parse(ReadOnlySpan<byte> block)
    {
        var count = ReadLength(ref block, "pair count");
        if (count > MaxPairs)
        {
            throw new SpdyProtocolException($"header block announces {count} pairs; the limit is {MaxPairs}");
        }

        var headers = new List<KeyValuePair<string, string>>(count);
        for (var i = 0; i < count; i++)
        {
            var name = ReadString(ref block, "name");
            if (name.Length == 0 || name.Any(char.IsAsciiLetterUpper))
            {
                throw new SpdyProtocolException($"header name '{name}' is empty or not lowercase");
            }

            headers.Add(new(name, ReadString(ref block, "value")));
        }

        return block.IsEmpty ? headers : throw new SpdyProtocolException($"{block.Length} bytes after the last header pair");
    }

    /// <summary>Zlib header with FDICT and the dictionary's Adler-32 once, then non-final stored blocks and the
    /// sync-flush marker.</summary>
    private byte[] StoredBlocks(ReadOnlySpan<byte> plain)
    {
        var output = new MemoryStream();
        if (!_headerWritten)
        {
            // CMF 0x78 (deflate, 32 KiB window), FLG 0x20 (FDICT; 0x7820 is a multiple of 31), DICTID.
            output.Write([0x78, 0x20, 0xe3, 0xc6, 0xa7, 0xc2]);
            _headerWritten = true;
        }

        do
        {
            var length = Math.Min(plain.Length, ushort.MaxValue);
            output.Write([0x00, (byte)length, (byte)(length >> 8), (byte)~length, (byte)(~length >> 8)]);
            output.Write(plain[..length]);
            plain = plain[length..];
        }
        while (!plain.IsEmpty);

        output.Write(SyncFlushMarker);
        return output.ToArray();
    }

    private (byte[] Buffer, int Length) Inflate(byte[] input)
    {
        var buffer = new byte[Math.Min(MaxDecodedLength, Math.Max(256, input.Length * 4))];
        var length = 0;
        try
        {
            _inflater.SetInput(input);
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length == MaxDecodedLength)
                    {
                        throw new SpdyProtocolException($"header block decompresses to more than {MaxDecodedLength} bytes");
                    }

                    Array.Resize(ref buffer, Math.Min(MaxDecodedLength, buffer.Length * 2));
                }

                var count = _inflater.Inflate(buffer, length, buffer.Length - length);
                length += count;
                if (count > 0)
                {
                    continue;
                }

                if (_inflater.IsNeedingDictionary)
                {
                    _inflater.SetDictionary(SpdyDictionary.Bytes);
                    continue;
                }

                if (_inflater.IsNeedingInput || _inflater.IsFinished)
                {
                    return (buffer, length);
                }

                // Neither output nor a state that explains why: stop rather than spin on the client's bytes.
                throw new SpdyProtocolException("header block is not a valid zlib stream: the inflater made no progress");
            }
        }
        catch (Exception e) when (e is ICSharpCode.SharpZipLib.SharpZipBaseException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            // SharpZipLib 1.4 indexes out of its tables on some malformed dynamic Huffman headers instead of reporting them.
            throw new SpdyProtocolException("header block is not a valid zlib stream: " + e.Message);
        }
    }

    private static void WriteString(MemoryStream output, string value, Span<byte> word)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32BigEndian(word, bytes.Length);
        output.Write(word);
        output.Write(bytes);
    }

    private static int ReadLength(ref ReadOnlySpan<byte> block, string what)
    {
        if (block.Length < 4)
        {
            throw new SpdyProtocolException($"header block ends inside a {what} length");
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(block);
        block = block[4..];
        return value <= int.MaxValue ? (int)value : throw new SpdyProtocolException($"header {what} length {value} is out of range");
    }

    private static string ReadString(ref ReadOnlySpan<byte> block, string what)
    {
        var length = ReadLength(ref block, what);
        if (length > block.Length)
        {
            throw new SpdyProtocolException($"header {what} of {length} bytes overruns the block");
        }

        var value = Encoding.UTF8.GetString(block[..length]);
        block = block[length..];
        return value;
    }
}
