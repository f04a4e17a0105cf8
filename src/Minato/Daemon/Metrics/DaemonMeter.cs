using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;

namespace Minato.Daemon.Metrics;

/// <summary>The daemon's own measurements (CRI calls, streaming sessions), instruments of the <c>Minato.Daemon</c> meter.</summary>
internal static class DaemonMeter
{
    /// <summary>The meter's name, which <see cref="MeterBridge"/> subscribes to.</summary>
    public const string Name = "Minato.Daemon";

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> CriRequests =
        Meter.CreateCounter<long>("minato_cri_requests_total", description: "CRI calls, by method and gRPC status code.");

    private static readonly Histogram<double> CriDuration = Meter.CreateHistogram<double>(
        "minato_cri_request_duration_seconds", "s", "CRI call duration (streams: until they end), by method and gRPC status code.");

    private static readonly UpDownCounter<long> StreamingSessions =
        Meter.CreateUpDownCounter<long>("minato_streaming_sessions", description: "Exec, attach and port-forward streaming sessions open, by kind.");

    /// <summary>Records a finished CRI call. <paramref name="method"/> is gRPC's <c>/package.Service/Method</c>: a fixed set.</summary>
    public static void CriCall(string method, StatusCode code, long started)
    {
        var tags = new TagList { { "method", MethodLabel(method) }, { "code", code.ToString() } };
        CriRequests.Add(1, tags);
        CriDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }

    /// <summary><c>/runtime.v1.RuntimeService/Version</c> as <c>RuntimeService/Version</c>.</summary>
    public static string MethodLabel(string method)
    {
        var slash = method.LastIndexOf('/');
        if (slash <= 0)
        {
            return method;
        }

        var service = method[1..slash];
        return service[(service.LastIndexOf('.') + 1)..] + method[slash..];
    }

    /// <summary>Counts a streaming session of <paramref name="kind"/> (exec, attach, portforward) open until disposed.</summary>
    public static IDisposable StreamingSession(string kind)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        StreamingSessions.Add(1, tag);
        return new Closed(tag);
    }

    private sealed class Closed(KeyValuePair<string, object?> tag) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                StreamingSessions.Add(-1, tag);
            }
        }
    }
}
