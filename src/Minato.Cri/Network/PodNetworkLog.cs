using Microsoft.Extensions.Logging;

namespace Minato.Cri.Network;

/// <summary>Log events of the node's pod network configuration (UpdateRuntimeConfig and its CNI template).</summary>
internal static partial class PodNetworkLog
{
    [LoggerMessage(700, LogLevel.Information, "pod CIDRs set to {PodCidrs}")]
    public static partial void PodCidrsSet(ILogger logger, string podCidrs);

    [LoggerMessage(701, LogLevel.Information, "wrote CNI config {File} from template {Template} for pod CIDRs {PodCidrs}")]
    public static partial void Rendered(ILogger logger, string file, string template, string podCidrs);

    [LoggerMessage(702, LogLevel.Information, "CNI config template {Template} not rendered: the pod network is already {File}")]
    public static partial void RenderSkipped(ILogger logger, string template, string file);

    [LoggerMessage(703, LogLevel.Warning, "cannot render CNI config template {Template} at start-up: {Message}")]
    public static partial void StartupRenderFailed(ILogger logger, string template, string message);

    [LoggerMessage(704, LogLevel.Warning, "stored pod CIDRs in {Database} are unreadable and ignored: {Message}")]
    public static partial void StoredCidrsUnreadable(ILogger logger, string database, string message);

    [LoggerMessage(705, LogLevel.Error, "cannot put back the previous {File} after a failed write: {Message}")]
    public static partial void RestoreFailed(ILogger logger, string file, string message);
}
