using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Minato.Streaming.Http2;

/// <summary>Bounds on what one client connection can make the authority rewriter decode and hold.</summary>
/// <param name="MaxDynamicTableSize">Largest HPACK dynamic table the client may use (SETTINGS_HEADER_TABLE_SIZE).</param>
/// <param name="MaxHeaderListSize">Largest decoded header list, counted as RFC 9113 section 6.5.2 does.</param>
/// <param name="MaxHeaderBlockSize">Largest encoded header block (HEADERS plus CONTINUATIONs, padding included).</param>
/// <param name="MaxFrameSize">The SETTINGS_MAX_FRAME_SIZE the server advertised; larger header frames are refused.</param>
internal sealed record AuthorityRewriteLimits(
    int MaxDynamicTableSize,
    int MaxHeaderListSize,
    int MaxHeaderBlockSize,
    int MaxFrameSize = Http2FrameHeader.MinMaxFrameSize)
{
    /// <summary>The HTTP/2 protocol default for SETTINGS_HEADER_TABLE_SIZE, also Kestrel's default.</summary>
    public const int DefaultDynamicTableSize = 4096;

    /// <summary>Twice Kestrel's default MaxRequestHeadersTotalSize (32 KiB), so Kestrel, not the rewriter, decides.</summary>
    public const int DefaultHeaderListSize = 64 * 1024;

    public static AuthorityRewriteLimits Default { get; } =
        new(DefaultDynamicTableSize, DefaultHeaderListSize, DefaultHeaderListSize);

    /// <summary>Follows the server's own limits so the rewriter never refuses what Kestrel would accept.</summary>
    public static AuthorityRewriteLimits From(KestrelServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Kestrel advertises Http2.HeaderTableSize; until the client acknowledges that SETTINGS frame it may
        // still use the protocol default, so mirror whichever is larger.
        var tableSize = Math.Max(DefaultDynamicTableSize, options.Limits.Http2.HeaderTableSize);
        var listSize = Math.Max(DefaultHeaderListSize, options.Limits.MaxRequestHeadersTotalSize);
        return new AuthorityRewriteLimits(tableSize, listSize, listSize, options.Limits.Http2.MaxFrameSize);
    }
}
