using Microsoft.Extensions.Logging;

namespace Minato.Engine.Containers;

/// <summary>Log events of the container service.</summary>
internal static partial class ContainerLog
{
    [LoggerMessage(300, LogLevel.Information, "container {ContainerId} ({Name}) created from image {ImageId}")]
    public static partial void Created(ILogger logger, string containerId, string name, string imageId);

    [LoggerMessage(301, LogLevel.Information, "container {ContainerId} started")]
    public static partial void Started(ILogger logger, string containerId);

    [LoggerMessage(302, LogLevel.Information, "container {ContainerId} exited with code {ExitCode} ({Reason})")]
    public static partial void Exited(ILogger logger, string containerId, int exitCode, string reason);

    [LoggerMessage(303, LogLevel.Information, "container {ContainerId} removed")]
    public static partial void Removed(ILogger logger, string containerId);

    [LoggerMessage(304, LogLevel.Warning, "container {ContainerId} ({Name}) failed to create; rolled back: {Reason}")]
    public static partial void RolledBack(ILogger logger, string containerId, string name, string reason);

    [LoggerMessage(305, LogLevel.Error, "container {ContainerId}: rollback left something behind")]
    public static partial void RollbackFailed(ILogger logger, string containerId, Exception exception);

    [LoggerMessage(306, LogLevel.Debug, "container {ContainerId}: signal {Signal} not delivered: {Reason}")]
    public static partial void SignalFailed(ILogger logger, string containerId, int signal, string reason);

    [LoggerMessage(307, LogLevel.Debug, "container {ContainerId}: runtime delete: {Reason}")]
    public static partial void DeleteFailed(ILogger logger, string containerId, string reason);

    [LoggerMessage(308, LogLevel.Warning, "container exit watch overflowed; re-reading every exit file")]
    public static partial void WatchOverflow(ILogger logger);

    [LoggerMessage(309, LogLevel.Error, "the watch for dead container monitors stopped")]
    public static partial void MonitorWatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(340, LogLevel.Information, "container {ContainerId}: CDI devices {Devices}")]
    public static partial void CdiDevices(ILogger logger, string containerId, string devices);

    [LoggerMessage(320, LogLevel.Information, "container {ContainerId} checkpointed to {Location}")]
    public static partial void Checkpointed(ILogger logger, string containerId, string location);

    [LoggerMessage(330, LogLevel.Information, "container {ContainerId}: image volume of {ImageId} remounted at {MountPoint}")]
    public static partial void ImageVolumeRemounted(ILogger logger, string containerId, string imageId, string mountPoint);

    [LoggerMessage(331, LogLevel.Error, "container {ContainerId}: image volume of {ImageId} could not be remounted at {MountPoint}")]
    public static partial void ImageVolumeRemountFailed(ILogger logger, string containerId, string imageId, string mountPoint, Exception exception);

    [LoggerMessage(321, LogLevel.Information, "container {ContainerId} ({Name}) created from image {ImageId} to restore checkpoint {Archive}")]
    public static partial void CreatedForRestore(ILogger logger, string containerId, string name, string imageId, string archive);

    [LoggerMessage(322, LogLevel.Information, "container {ContainerId} restored from its checkpoint")]
    public static partial void Restored(ILogger logger, string containerId);

    [LoggerMessage(323, LogLevel.Warning, "container {ContainerId} could not be restored: {Reason}")]
    public static partial void RestoreFailed(ILogger logger, string containerId, string reason);

    [LoggerMessage(341, LogLevel.Information, "container {ContainerId} created again from its bundle")]
    public static partial void Recreated(ILogger logger, string containerId);

    [LoggerMessage(342, LogLevel.Warning, "garbage collection kept {Directory}: something is still mounted below it")]
    public static partial void OrphanMounted(ILogger logger, string directory);

    [LoggerMessage(343, LogLevel.Warning, "garbage collection could not remove {Directory}: {Reason}")]
    public static partial void OrphanNotRemoved(ILogger logger, string directory, string reason);
}
