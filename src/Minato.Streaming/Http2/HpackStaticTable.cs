using System.Text;

namespace Minato.Streaming.Http2;

/// <summary>The 61 predefined header fields of HPACK (RFC 7541 Appendix A), indexed from 1.</summary>
internal static class HpackStaticTable
{
    public const int Count = 61;

    private static readonly (byte[] Name, byte[] Value)[] Entries =
    [
        Entry(":authority", ""),
        Entry(":method", "GET"),
        Entry(":method", "POST"),
        Entry(":path", "/"),
        Entry(":path", "/index.html"),
        Entry(":scheme", "http"),
        Entry(":scheme", "https"),
        Entry(":status", "200"),
        Entry(":status", "204"),
        Entry(":status", "206"),
        Entry(":status", "304"),
        Entry(":status", "400"),
        Entry(":status", "404"),
        Entry(":status", "500"),
        Entry("accept-charset", ""),
        Entry("accept-encoding", "gzip, deflate"),
        Entry("accept-language", ""),
        Entry("accept-ranges", ""),
        Entry("accept", ""),
        Entry("access-control-allow-origin", ""),
        Entry("age", ""),
        Entry("allow", ""),
        Entry("authorization", ""),
        Entry("cache-control", ""),
        Entry("content-disposition", ""),
        Entry("content-encoding", ""),
        Entry("content-language", ""),
        Entry("content-length", ""),
        Entry("content-location", ""),
        Entry("content-range", ""),
        Entry("content-type", ""),
        Entry("cookie", ""),
        Entry("date", ""),
        Entry("etag", ""),
        Entry("expect", ""),
        Entry("expires", ""),
        Entry("from", ""),
        Entry("host", ""),
        Entry("if-match", ""),
        Entry("if-modified-since", ""),
        Entry("if-none-match", ""),
        Entry("if-range", ""),
        Entry("if-unmodified-since", ""),
        Entry("last-modified", ""),
        Entry("link", ""),
        Entry("location", ""),
        Entry("max-forwards", ""),
        Entry("proxy-authenticate", ""),
        Entry("proxy-authorization", ""),
        Entry("range", ""),
        Entry("referer", ""),
        Entry("refresh", ""),
        Entry("retry-after", ""),
        Entry("server", ""),
        Entry("set-cookie", ""),
        Entry("strict-transport-security", ""),
        Entry("transfer-encoding", ""),
        Entry("user-agent", ""),
        Entry("vary", ""),
        Entry("via", ""),
        Entry("www-authenticate", ""),
    ];

    /// <summary>The entry at <paramref name="index"/>, 1 to <see cref="Count"/>.</summary>
    public static (byte[] Name, byte[] Value) Get(int index) => Entries[index - 1];

    private static (byte[] Name, byte[] Value) Entry(string name, string value) =>
        (Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(value));
}
