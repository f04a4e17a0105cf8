using Microsoft.Extensions.Logging;

namespace Minato.Cri.Streaming;

/// <summary>Log events of streaming sessions.</summary>
internal static partial class StreamingLog
{
    [LoggerMessage(600, LogLevel.Debug, "container {ContainerId}: exec started (tty {Tty})")]
    public static partial void ExecStarted(ILogger logger, string containerId, bool tty);

    [LoggerMessage(601, LogLevel.Debug, "container {ContainerId}: exec exited with code {ExitCode}")]
    public static partial void ExecExited(ILogger logger, string containerId, int exitCode);

    [LoggerMessage(602, LogLevel.Information, "container {ContainerId}: exec client went away; the command was killed")]
    public static partial void ExecKilled(ILogger logger, string containerId);

    [LoggerMessage(603, LogLevel.Debug, "container {ContainerId}: attach ended")]
    public static partial void AttachEnded(ILogger logger, string containerId);

    [LoggerMessage(604, LogLevel.Debug, "pod {SandboxId}: port-forward to port {Port} failed: {Reason}")]
    public static partial void PortForwardFailed(ILogger logger, string sandboxId, int port, string reason);
}
