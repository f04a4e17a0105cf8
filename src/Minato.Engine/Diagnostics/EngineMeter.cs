using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Minato.Engine.Diagnostics;

/// <summary>The engine's measurements, as <see cref="System.Diagnostics.Metrics"/> instruments of the <c>Minato.Engine</c> meter.</summary>
/// <remarks>
/// The engine records through the BCL's Meter API so that it depends on no metrics library; the daemon bridges these
/// instruments to its Prometheus registry. Each instrument's name is already its Prometheus name (base units, counters
/// ending in <c>_total</c>) and each is only ever recorded with the same, bounded, set of tags, which become its labels:
/// no container, pod or image names, whose number has no bound.
/// </remarks>
public static class EngineMeter
{
    /// <summary>The meter's name, which listeners subscribe to.</summary>
    public const string Name = "Minato.Engine";

    private static readonly Meter Meter = new(Name);

    /// <summary>Image pulls that finished, by <c>result</c> (<c>success</c> or <c>failure</c>); joined identical pulls count once.</summary>
    public static readonly Counter<long> ImagePulls =
        Meter.CreateCounter<long>("minato_image_pulls_total", description: "Image pulls that finished, by result.");

    /// <summary>Failed pulls by <c>reason</c>: one of <see cref="PullFailureReasons"/>.</summary>
    public static readonly Counter<long> ImagePullFailures =
        Meter.CreateCounter<long>("minato_image_pull_failures_total", description: "Failed image pulls, by reason.");

    /// <summary>Compressed layer bytes received from registries.</summary>
    public static readonly Counter<long> ImagePullBytes =
        Meter.CreateCounter<long>("minato_image_pull_bytes_total", "By", "Layer bytes received from registries.");

    /// <summary>Duration of each pull, whatever its result.</summary>
    public static readonly Histogram<double> ImagePullDuration =
        Meter.CreateHistogram<double>("minato_image_pull_duration_seconds", "s", "Duration of image pulls.");

    /// <summary>Pulls running now.</summary>
    public static readonly UpDownCounter<long> ImagePullsInFlight =
        Meter.CreateUpDownCounter<long>("minato_image_pulls_in_flight", description: "Image pulls running now.");

    /// <summary>Time to fetch, verify and unpack one layer into its snapshot (the download is streamed into the unpack).</summary>
    public static readonly Histogram<double> LayerUnpackDuration =
        Meter.CreateHistogram<double>("minato_layer_unpack_duration_seconds", "s", "Duration of fetching and unpacking one layer.");

    /// <summary>Container exits by <c>owner</c> (<c>cri</c>, <c>docker</c>) and <c>reason</c> (<c>Completed</c>, <c>Error</c>, <c>OOMKilled</c>).</summary>
    public static readonly Counter<long> ContainerExits =
        Meter.CreateCounter<long>("minato_container_exits_total", description: "Container exits, by owner and reason.");

    /// <summary>Containers the kernel's OOM killer ended, by <c>owner</c>.</summary>
    public static readonly Counter<long> ContainerOomKills =
        Meter.CreateCounter<long>("minato_container_oom_kills_total", description: "Containers ended by the OOM killer, by owner.");

    /// <summary>CNI ADD and DEL of a whole network list, by <c>operation</c> (<c>ADD</c>, <c>DEL</c>).</summary>
    public static readonly Histogram<double> CniDuration =
        Meter.CreateHistogram<double>("minato_cni_operation_duration_seconds", "s", "Duration of CNI ADD and DEL of a network list.");

    /// <summary>CNI ADD and DEL that failed, by <c>operation</c>.</summary>
    public static readonly Counter<long> CniFailures =
        Meter.CreateCounter<long>("minato_cni_operation_failures_total", description: "CNI ADD and DEL that failed, by operation.");

    /// <summary>Garbage collection runs, by <c>trigger</c> (<c>startup</c>, <c>schedule</c>, <c>prune</c>, <c>policy</c>).</summary>
    public static readonly Counter<long> GcRuns =
        Meter.CreateCounter<long>("minato_gc_runs_total", description: "Garbage collection runs, by trigger.");

    /// <summary>Allocated bytes garbage collection and prunes gave back, by <c>trigger</c>.</summary>
    public static readonly Counter<long> GcReclaimedBytes =
        Meter.CreateCounter<long>("minato_gc_reclaimed_bytes_total", "By", "Bytes garbage collection and prunes gave back, by trigger.");

    /// <summary>The values of the <c>reason</c> tag of <see cref="ImagePullFailures"/>.</summary>
    public static readonly IReadOnlyList<string> PullFailureReasons =
        ["unauthorized", "not_found", "blocked", "unavailable", "protocol", "stalled", "cancelled", "invalid_content", "unsupported", "disk", "other"];

    /// <summary>Records one finished pull that began at <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public static void PullFinished(long started, Exception? failure)
    {
        ImagePullDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        ImagePulls.Add(1, new KeyValuePair<string, object?>("result", failure is null ? "success" : "failure"));
        if (failure is not null)
        {
            ImagePullFailures.Add(1, new KeyValuePair<string, object?>("reason", PullFailureReason(failure)));
        }
    }

    /// <summary>The bounded reason a pull failed with: one of <see cref="PullFailureReasons"/>.</summary>
    public static string PullFailureReason(Exception failure) => failure switch
    {
        Images.Registry.RegistryException r => r.Failure switch
        {
            Images.Registry.RegistryFailure.Unauthorized => "unauthorized",
            Images.Registry.RegistryFailure.NotFound => "not_found",
            Images.Registry.RegistryFailure.Blocked => "blocked",
            Images.Registry.RegistryFailure.Unavailable => "unavailable",
            _ => "protocol",
        },
        TimeoutException => "stalled",
        OperationCanceledException => "cancelled",
        Images.InvalidDigestException or Images.Content.ContentVerificationException or Images.MalformedLayerException
            or Images.Snapshots.UnsafeLayerException or Images.Content.SizeLimitExceededException => "invalid_content",
        Images.UnsupportedImageException => "unsupported",
        IOException => "disk",
        _ => "other",
    };
}
