using Microsoft.Extensions.Logging;

namespace Minato.Cri.Pods;

/// <summary>Log events of pod sandbox lifecycles.</summary>
internal static partial class PodLog
{
    [LoggerMessage(100, LogLevel.Information, "sandbox {SandboxId} ({Name}) ready with IPs [{Ips}]")]
    public static partial void Ready(ILogger logger, string sandboxId, string name, string ips);

    [LoggerMessage(101, LogLevel.Warning, "sandbox {SandboxId} ({Name}) failed to start; rolled back: {Reason}")]
    public static partial void RolledBack(ILogger logger, string sandboxId, string name, string reason);

    [LoggerMessage(102, LogLevel.Error, "sandbox {SandboxId}: rollback left something behind")]
    public static partial void RollbackFailed(ILogger logger, string sandboxId, Exception exception);

    [LoggerMessage(103, LogLevel.Information, "sandbox {SandboxId} stopped")]
    public static partial void Stopped(ILogger logger, string sandboxId);

    [LoggerMessage(104, LogLevel.Information, "sandbox {SandboxId} removed")]
    public static partial void Removed(ILogger logger, string sandboxId);

    [LoggerMessage(105, LogLevel.Warning, "sandbox {SandboxId}: CNI DEL attempt {Attempt} failed: {Reason}")]
    public static partial void TeardownRetry(ILogger logger, string sandboxId, int attempt, string reason);

    [LoggerMessage(106, LogLevel.Warning, "sandbox {SandboxId}: namespaces are gone (host reboot?); marked NOTREADY")]
    public static partial void NamespacesGone(ILogger logger, string sandboxId);

    [LoggerMessage(107, LogLevel.Warning, "sandbox {SandboxId}: was being created when the daemon stopped; undoing it")]
    public static partial void UndoingInterruptedCreate(ILogger logger, string sandboxId);

    [LoggerMessage(109, LogLevel.Information, "sandbox {SandboxId}: its namespace is gone; network released (addresses [{Ips}])")]
    public static partial void LostNetworkReleased(ILogger logger, string sandboxId, string ips);

    [LoggerMessage(110, LogLevel.Warning, "sandbox {SandboxId}: its namespace is gone and CNI DEL failed; StopPodSandbox will try again: {Reason}")]
    public static partial void LostNetworkReleaseFailed(ILogger logger, string sandboxId, string reason);

    [LoggerMessage(108, LogLevel.Information, "recovered {Count} pod sandboxes")]
    public static partial void Recovered(ILogger logger, int count);
}
