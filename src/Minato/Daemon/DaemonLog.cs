using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Minato.Daemon;

/// <summary>The daemon's log events, source-generated so a disabled level costs nothing.</summary>
internal static partial class DaemonLog
{
    [LoggerMessage(1, LogLevel.Information, "minato {Version} serving CRI v1 on {Listen} (root {Root}, state {State}, cgroups {CgroupMode}, driver {CgroupDriver})")]
    public static partial void Serving(ILogger logger, string version, string listen, string root, string state, string cgroupMode, string cgroupDriver);

    [LoggerMessage(5, LogLevel.Information, "serving the Docker Engine API on {Listen} (API {ApiVersion}); whoever can connect is root on this machine")]
    public static partial void ServingDockerApi(ILogger logger, string listen, string apiVersion);

    [LoggerMessage(2, LogLevel.Information, "metadata database {Path} at schema version {SchemaVersion}")]
    public static partial void StoreOpened(ILogger logger, string path, int schemaVersion);

    [LoggerMessage(3, LogLevel.Information, "shutting down: no new calls accepted, in-flight calls have {TimeoutSeconds}s to finish")]
    public static partial void ShuttingDown(ILogger logger, double timeoutSeconds);

    [LoggerMessage(4, LogLevel.Information, "stopped; socket {Socket} removed")]
    public static partial void Stopped(ILogger logger, string socket);

    [LoggerMessage(10, LogLevel.Debug, "{Rpc} {StatusCode} in {DurationMs:F3} ms")]
    public static partial void Call(ILogger logger, string rpc, StatusCode statusCode, double durationMs);

    [LoggerMessage(11, LogLevel.Warning, "{Rpc} failed with {StatusCode}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string rpc, StatusCode statusCode, string detail);

    [LoggerMessage(12, LogLevel.Error, "{Rpc} failed unexpectedly")]
    public static partial void CallCrashed(ILogger logger, string rpc, Exception exception);

    [LoggerMessage(20, LogLevel.Warning, "NetworkReady is false: {Message}")]
    public static partial void NetworkNotReady(ILogger logger, string message);

    [LoggerMessage(21, LogLevel.Error, "scheduled garbage collection failed")]
    public static partial void GcFailed(ILogger logger, Exception exception);
}
