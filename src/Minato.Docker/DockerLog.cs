using Microsoft.Extensions.Logging;

namespace Minato.Docker;

/// <summary>Source-generated log messages of the Docker front door.</summary>
internal static partial class DockerLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Error, Message = "Docker API {Method} {Path} failed with {Status}")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string method, string path, int status);

    [LoggerMessage(EventId = 401, Level = LogLevel.Debug, Message = "Docker API pull of {Image} failed after its answer started")]
    public static partial void PullFailedInStream(ILogger logger, Exception exception, string image);
}
