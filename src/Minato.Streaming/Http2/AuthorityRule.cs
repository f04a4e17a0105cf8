using System.Buffers;

namespace Minato.Streaming.Http2;

/// <summary>Tells a usable <c>host[:port]</c> :authority from one Kestrel would refuse, such as a socket path.</summary>
internal static class AuthorityRule
{
    private static readonly SearchValues<byte> HostCharacters = SearchValues.Create(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"u8);

    private static readonly SearchValues<byte> Ipv6Characters = SearchValues.Create(
        "0123456789abcdefABCDEF:."u8);

    /// <summary>
    /// True for an empty authority (which Kestrel accepts), a registered name or IPv4 address made of
    /// letters, digits, '-', '.', '_' and '~', or a bracketed IPv6 literal, each with an optional port of
    /// 1 to 5 digits. Everything else, a leading '/' above all, is what old gRPC clients send for a Unix
    /// socket target. This is deliberately narrower than RFC 3986 allows: a host that is only unusual
    /// gets "localhost", which the daemon ignores anyway, whereas one Kestrel refuses would fail the call.
    /// </summary>
    public static bool IsHostAndPort(ReadOnlySpan<byte> authority)
    {
        if (authority.IsEmpty)
        {
            return true;
        }

        int hostEnd;
        if (authority[0] == (byte)'[')
        {
            hostEnd = authority.IndexOf((byte)']') + 1;
            // "[::1]" is the shortest literal; inside only hex digits, ':' and '.' (no zone identifiers).
            if (hostEnd < 5 || authority[1..(hostEnd - 1)].ContainsAnyExcept(Ipv6Characters))
            {
                return false;
            }
        }
        else
        {
            hostEnd = authority.IndexOf((byte)':');
            if (hostEnd < 0)
            {
                hostEnd = authority.Length;
            }

            if (hostEnd == 0 || authority[..hostEnd].ContainsAnyExcept(HostCharacters))
            {
                return false;
            }
        }

        var rest = authority[hostEnd..];
        if (rest.IsEmpty)
        {
            return true;
        }

        var port = rest[1..];
        return rest[0] == (byte)':' && port.Length is >= 1 and <= 5 && !port.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }
}
