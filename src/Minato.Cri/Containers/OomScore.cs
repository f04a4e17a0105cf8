using Microsoft.Extensions.Logging;
using Minato.Engine.Errors;

namespace Minato.Cri.Containers;

/// <summary>Keeps a container's oom_score_adj where the daemon may set it.</summary>
/// <remarks>
/// Lowering oom_score_adj below the writer's own needs CAP_SYS_RESOURCE. Where the daemon lacks it (root on this VM
/// does), a guaranteed pod's -997 would fail every container; instead the score is raised to the daemon's own and
/// that is logged once, since it applies to every such container for the daemon's lifetime.
/// </remarks>
public sealed partial class OomScore(ILogger logger)
{
    private int _logged;

    /// <summary>The score to write for <paramref name="requested"/>.</summary>
    public int Clamp(long requested, int? floor)
    {
        if (requested is < -1000 or > 1000)
        {
            throw new InvalidInputException($"oom_score_adj {requested} is not between -1000 and 1000");
        }

        if (floor is { } own && requested < own)
        {
            if (Interlocked.Exchange(ref _logged, 1) == 0)
            {
                LogClamped(logger, requested, own);
            }

            return own;
        }

        return (int)requested;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "oom_score_adj {Requested} is below the daemon's own {Own}, which it cannot lower without CAP_SYS_RESOURCE; containers get {Own} instead (logged once)")]
    private static partial void LogClamped(ILogger logger, long requested, int own);
}
