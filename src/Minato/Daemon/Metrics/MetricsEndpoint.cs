using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Minato.Cri.Pods;
using Minato.Engine.Containers;
using Minato.Engine.Images.Store;
using Prometheus;

namespace Minato.Daemon.Metrics;

/// <summary>
/// The opt-in Prometheus endpoint (<c>[metrics] address</c>): <c>GET /metrics</c> in the text exposition format on its own
/// plain-HTTP listener of the daemon's Kestrel, and nothing else on that listener.
/// </summary>
/// <remarks>
/// The registry is the daemon's own rather than prometheus-net's static default one: that one also adapts every .NET
/// meter and event counter in the process (Kestrel's, the runtime's) into hundreds of series nobody asked for. The
/// process metrics (<c>process_*</c>, <c>dotnet_*</c>) are prometheus-net's <see cref="DotNetStats"/>.
/// </remarks>
internal static class MetricsEndpoint
{
    /// <summary>The path Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    /// <summary>Adds the listener on <paramref name="endpoint"/>, HTTP/1.1 only, marking its connections.</summary>
    public static void Listen(KestrelServerOptions kestrel, IPEndPoint endpoint) =>
        kestrel.Listen(endpoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(next => connection =>
            {
                connection.Features.Set(MetricsConnection.Instance);
                return next(connection);
            });
        });

    /// <summary>The registry, the meter bridge and the scrape-time gauges.</summary>
    public static IServiceCollection AddMetrics(this IServiceCollection services, string databasePath)
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(registry);
        return services
            .AddSingleton(registry)
            .AddSingleton(_ => new MeterBridge(registry, Engine.Diagnostics.EngineMeter.Name, Docker.Http.DockerMeter.Name, DaemonMeter.Name))
            .AddSingleton(sp => new StateGauges(
                registry, sp.GetRequiredService<ContainerService>(), sp.GetRequiredService<SandboxStore>(),
                sp.GetRequiredService<ImageStore>(), databasePath, sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary>Answers requests of the metrics listener (before any other branch sees them) and starts measuring.</summary>
    public static void UseMetrics(this WebApplication app)
    {
        app.Services.GetRequiredService<MeterBridge>();
        app.Services.GetRequiredService<StateGauges>();
        var registry = app.Services.GetRequiredService<CollectorRegistry>();
        app.MapWhen(IsMetricsConnection, branch =>
        {
            branch.UseMetricServer(settings => settings.Registry = registry, Path);
            branch.Run(http =>
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });
    }

    private static bool IsMetricsConnection(HttpContext http) => http.Features.Get<MetricsConnection>() is not null;

    /// <summary>The connection feature that marks a connection of the metrics listener.</summary>
    private sealed class MetricsConnection
    {
        public static readonly MetricsConnection Instance = new();
    }
}
