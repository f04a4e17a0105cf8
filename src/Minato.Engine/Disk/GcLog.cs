using Microsoft.Extensions.Logging;

namespace Minato.Engine.Disk;

/// <summary>Log events of garbage collection.</summary>
internal static partial class GcLog
{
    [LoggerMessage(800, LogLevel.Information,
        "garbage collection ({Trigger}): {Images} images, {Blobs} blobs, {Snapshots} snapshots, {Leftovers} unfinished writes, {Directories} container directories removed; {Bytes} bytes reclaimed")]
    public static partial void Collected(ILogger logger, string trigger, int images, int blobs, int snapshots, int leftovers, int directories, long bytes);

    [LoggerMessage(801, LogLevel.Information, "garbage collection removed image {Image}")]
    public static partial void ImageRemoved(ILogger logger, string image);
}
