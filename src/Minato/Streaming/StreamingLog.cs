using Microsoft.Extensions.Logging;

namespace Minato.Streaming;

/// <summary>The streaming server's log events.</summary>
internal static partial class StreamingLog
{
    [LoggerMessage(100, LogLevel.Information, "streaming server listening on {Url}")]
    public static partial void Listening(ILogger logger, string url);

    [LoggerMessage(101, LogLevel.Information, "streaming server not started: no implementation of exec, attach and port-forward is registered")]
    public static partial void NoCore(ILogger logger);

    [LoggerMessage(102, LogLevel.Warning, "exec/attach on {ContainerId}: the client did not open its {Expected} streams in time")]
    public static partial void StreamsTimedOut(ILogger logger, string containerId, int expected);

    [LoggerMessage(103, LogLevel.Debug, "{Kind} session over {Protocol} ended ({Detail})")]
    public static partial void SessionEnded(ILogger logger, string kind, string protocol, string detail);

    [LoggerMessage(104, LogLevel.Debug, "port-forward to pod {SandboxId} port {Port} failed: {Detail}")]
    public static partial void PortForwardFailed(ILogger logger, string sandboxId, int port, string detail);

    [LoggerMessage(105, LogLevel.Debug, "streaming request refused: {Detail}")]
    public static partial void Refused(ILogger logger, string detail);
}
