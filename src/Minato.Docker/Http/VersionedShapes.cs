using Minato.Docker.Streams;

namespace Minato.Docker.Http;

/// <summary>
/// The answers that depend on the API version the client asked for, in one place so each rule is stated (and tested) once:
/// dockerd keeps the old shape for old clients.
/// </summary>
public static class VersionedShapes
{
    /// <summary>API 1.42 named the multiplexed stream's media type; older clients get the raw-stream type for it too.</summary>
    public static readonly ApiVersion MultiplexedMediaTypeSince = new(1, 42);

    /// <summary>API 1.44 dropped <c>VirtualSize</c> from image list and inspect.</summary>
    public static readonly ApiVersion NoVirtualSizeSince = new(1, 44);

    /// <summary>API 1.42 made volume prune remove anonymous volumes only, unless <c>all=true</c>.</summary>
    public static readonly ApiVersion PruneAnonymousOnlySince = new(1, 42);

    /// <summary>The media type of a logs answer or a hijacked attach/exec stream: multiplexed frames without a terminal
    /// (named so from 1.42), raw bytes with one.</summary>
    public static string StreamMediaType(ApiVersion version, bool tty) =>
        !tty && version >= MultiplexedMediaTypeSince ? Hijack.MultiplexedStream : Hijack.RawStream;

    /// <summary>An image's <c>VirtualSize</c>: its size before 1.44, absent (null, not written) from then on.</summary>
    public static long? VirtualSize(ApiVersion version, long size) => version < NoVirtualSizeSince ? size : null;

    /// <summary>Whether volume prune spares named volumes: from 1.42 unless the <c>all</c> filter says otherwise.</summary>
    public static bool PruneAnonymousOnly(ApiVersion version, bool all) => version >= PruneAnonymousOnlySince && !all;
}
