using Microsoft.Extensions.Logging;

namespace Minato.Docker;

/// <summary>Source-generated log messages of the Docker front door.</summary>
internal static partial class DockerLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Error, Message = "Docker API {Method} {Path} failed with {Status}")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string method, string path, int status);

    [LoggerMessage(EventId = 401, Level = LogLevel.Debug, Message = "Docker API pull of {Image} failed after its answer started")]
    public static partial void PullFailedInStream(ILogger logger, Exception exception, string image);

    [LoggerMessage(EventId = 410, Level = LogLevel.Information, Message = "Docker container {ContainerId} ({Name}) created from image {ImageId}")]
    public static partial void ContainerCreated(ILogger logger, string containerId, string name, string imageId);


    [LoggerMessage(EventId = 412, Level = LogLevel.Information, Message = "Docker container {ContainerId} exited with {ExitCode}; restarting it by its restart policy {Policy} (restart {Count})")]
    public static partial void RestartingByPolicy(ILogger logger, string containerId, int exitCode, string policy, int count);

    [LoggerMessage(EventId = 413, Level = LogLevel.Warning, Message = "Docker container {ContainerId}: handling its exit failed")]
    public static partial void ExitHandlingFailed(ILogger logger, string containerId, Exception exception);

    [LoggerMessage(EventId = 414, Level = LogLevel.Information, Message = "Docker container {ContainerId} removed")]
    public static partial void ContainerRemoved(ILogger logger, string containerId);

    [LoggerMessage(EventId = 415, Level = LogLevel.Information, Message = "Docker container {ContainerId}: record without its engine container dropped at recovery")]
    public static partial void OrphanDropped(ILogger logger, string containerId);

    [LoggerMessage(EventId = 416, Level = LogLevel.Warning, Message = "Docker exec in container {ContainerId} failed")]
    public static partial void ExecFailed(ILogger logger, string containerId, Exception exception);

    [LoggerMessage(EventId = 440, Level = LogLevel.Debug, Message = "Docker API push of {Image} failed after its answer started")]
    public static partial void PushFailedInStream(ILogger logger, Exception exception, string image);

    [LoggerMessage(EventId = 430, Level = LogLevel.Debug, Message = "Docker container {ContainerId}: a health probe could not run")]
    public static partial void HealthProbeFailed(ILogger logger, string containerId, Exception exception);
}
