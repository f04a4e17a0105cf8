using System.Buffers.Binary;
using System.Text;
using ICSharpCode.SharpZipLib.Zip.Compression;

namespace Minato.Testing.Streaming;

/// <summary>The test client's own SPDY/3 header codec (written apart from the server's, from the draft).</summary>
internal sealed class SpdyTestHeaders
{
    private readonly Deflater _deflater = new(Deflater.BEST_COMPRESSION);
    private readonly Inflater _inflater = new();
    private bool _primed;

    /// <summary>The draft's dictionary: length-prefixed words, then a run of common values.</summary>
    public static readonly byte[] Dictionary = BuildDictionary();

    public byte[] Compress(IEnumerable<(string Name, string Value)> headers)
    {
        var plain = new List<byte>();
        var list = headers.ToList();
        AppendInt(plain, list.Count);
        foreach (var (name, value) in list)
        {
            AppendString(plain, name);
            AppendString(plain, value);
        }

        if (!_primed)
        {
            _deflater.SetDictionary(Dictionary);
            _primed = true;
        }

        _deflater.SetInput([.. plain]);
        _deflater.Flush();
        var output = new MemoryStream();
        var buffer = new byte[4096];
        int count;
        while ((count = _deflater.Deflate(buffer)) > 0)
        {
            output.Write(buffer, 0, count);
        }

        return output.ToArray();
    }

    public List<(string Name, string Value)> Decompress(byte[] block)
    {
        _inflater.SetInput(block);
        var output = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var count = _inflater.Inflate(buffer);
            if (count > 0)
            {
                output.Write(buffer, 0, count);
                continue;
            }

            if (_inflater.IsNeedingDictionary)
            {
                _inflater.SetDictionary(Dictionary);
                continue;
            }

            break;
        }

        var plain = output.ToArray();
        var offset = 0;
        var pairs = new List<(string, string)>();
        var n = ReadInt(plain, ref offset);
        for (var i = 0; i < n; i++)
        {
            pairs.Add((ReadString(plain, ref offset), ReadString(plain, ref offset)));
        }

        return pairs;
    }

    private static byte[] BuildDictionary()
    {
        string[] words =
        [
            "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset", "accept-encoding",
            "accept-language", "accept-ranges", "age", "allow", "authorization", "cache-control", "connection",
            "content-base", "content-encoding", "content-language", "content-length", "content-location",
            "content-md5", "content-range", "content-type", "date", "etag", "expect", "expires", "from", "host",
            "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "last-modified",
            "location", "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "range", "referer",
            "retry-after", "server", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "vary", "via",
            "warning", "www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url",
            "public", "set-cookie", "keep-alive", "origin",
        ];
        var bytes = new List<byte>();
        foreach (var word in words)
        {
            AppendString(bytes, word);
        }

        bytes.AddRange(Encoding.ASCII.GetBytes(
            "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505203 Non-Authoritative " +
            "Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden404 Not Found500 " +
            "Internal Server Error501 Not Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov " +
            "Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif," +
            "application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdch" +
            "charset=utf-8charset=iso-8859-1,utf-,*,enq=0."));
        return [.. bytes];
    }

    private static void AppendInt(List<byte> output, int value)
    {
        var word = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, value);
        output.AddRange(word);
    }

    private static void AppendString(List<byte> output, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        AppendInt(output, bytes.Length);
        output.AddRange(bytes);
    }

    private static int ReadInt(byte[] data, ref int offset)
    {
        var value = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(offset));
        offset += 4;
        return value;
    }

    private static string ReadString(byte[] data, ref int offset)
    {
        var length = ReadInt(data, ref offset);
        var value = Encoding.UTF8.GetString(data, offset, length);
        offset += length;
        return value;
    }
}
