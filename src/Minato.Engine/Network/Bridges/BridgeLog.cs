using Microsoft.Extensions.Logging;

namespace Minato.Engine.Network.Bridges;

/// <summary>Log messages of the bridge networks.</summary>
internal static partial class BridgeLog
{
    [LoggerMessage(1, LogLevel.Warning, "CNI DEL of container {ContainerId} on network {Network} failed: {Reason}")]
    public static partial void DeleteFailed(ILogger logger, string containerId, string network, string reason);

    [LoggerMessage(2, LogLevel.Information, "released the interrupted endpoint of container {ContainerId} on network {Network}")]
    public static partial void RecoveredEndpoint(ILogger logger, string containerId, string network);

    [LoggerMessage(3, LogLevel.Warning, "cannot delete bridge {Bridge}: {Reason}")]
    public static partial void BridgeNotDeleted(ILogger logger, string bridge, string reason);
}
