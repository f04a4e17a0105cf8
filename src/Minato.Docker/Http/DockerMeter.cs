using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;

namespace Minato.Docker.Http;

/// <summary>The Docker front door's request measurements, instruments of the <c>Minato.Docker</c> meter.</summary>
/// <remarks>
/// Labelled by the route's template (<c>/containers/{id}/start</c>), never the raw path, so that ids and names do not
/// become label values; a path no route matches is <c>unmatched</c> and a method outside HTTP's usual ones is <c>OTHER</c>.
/// </remarks>
public static class DockerMeter
{
    /// <summary>The meter's name, which listeners subscribe to.</summary>
    public const string Name = "Minato.Docker";

    /// <summary>The <c>route</c> value of a request no route matched.</summary>
    public const string Unmatched = "unmatched";

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Requests =
        Meter.CreateCounter<long>("minato_docker_requests_total", description: "Docker API requests, by method, route template and HTTP status.");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "minato_docker_request_duration_seconds", "s", "Docker API request duration (streams: until they end), by method, route template and HTTP status.");

    /// <summary>Records one answered request that began at <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public static void Record(string method, DockerRoute? route, int status, long started)
    {
        var tags = new TagList
        {
            { "method", route?.Method ?? MethodLabel(method) },
            { "route", route?.Template ?? Unmatched },
            { "code", status.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        Requests.Add(1, tags);
        Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }

    /// <summary>The method as a label: one of the usual methods, else <c>OTHER</c> (a caller may send any token).</summary>
    public static string MethodLabel(string method) =>
        HttpMethods.IsGet(method) ? "GET" : HttpMethods.IsPost(method) ? "POST" : HttpMethods.IsPut(method) ? "PUT"
        : HttpMethods.IsDelete(method) ? "DELETE" : HttpMethods.IsHead(method) ? "HEAD" : "OTHER";
}
