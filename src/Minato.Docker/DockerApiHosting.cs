using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Minato.Docker.Containers;
using Minato.Docker.Daemon;
using Minato.Docker.Exec;
using Minato.Docker.Http;
using Minato.Docker.Images;
using Minato.Engine;
using Minato.Engine.Oci.Spec;
using Minato.Engine.Store;

namespace Minato.Docker;

/// <summary>Hooks the Docker front door into a Kestrel host: its services, its listener, its branch of the pipeline.</summary>
public static class DockerApiHosting
{
    /// <summary>Registers the router and every route group; the engine services they use must be registered already.</summary>
    public static IServiceCollection AddDockerApi(this IServiceCollection services, DockerHostOptions options)
    {
        services.TryAddSingleton<IHostDevices, HostDevices>();
        services.TryAddSingleton<Containers.Pods.IPodContainerSource, Containers.Pods.NoPodContainers>();
        return services
            .AddSingleton(options)
            .AddSingleton<ImageDetails>()
            .AddSingleton<ImageSummaries>()
            .AddSingleton<Networks.ContainerNetworks>()
            .AddSingleton(services => DockerContainerStore.Load(services.GetRequiredService<MetadataStore>()))
            .AddSingleton(services => new DockerSpecBuilder(
                DockerSpecOptions.FromHost(options.CgroupDriver, ExecutableSearch.Find("catatonit")),
                services.GetRequiredService<IHostDevices>()))
            .AddSingleton<Containers.Pods.PodContainerView>()
            .AddSingleton<DockerContainers>()
            .AddSingleton<ExecSessions>()
            .AddSingleton<Events.DockerEvents>()
            .AddSingleton<Events.EngineEventFeed>()
            .AddSingleton<IDockerRoutes, ContainerRoutes>()
            .AddSingleton<IDockerRoutes, ExecRoutes>()
            .AddSingleton<IDockerRoutes, SystemRoutes>()
            .AddSingleton<IDockerRoutes, InfoRoutes>()
            .AddSingleton<IDockerRoutes, AuthRoutes>()
            .AddSingleton<IDockerRoutes, ImageRoutes>()
            .AddSingleton<IDockerRoutes, ImageArchiveRoutes>()
            .AddSingleton<IDockerRoutes, Build.BuildRoutes>()
            .AddSingleton<IDockerRoutes, Volumes.VolumeRoutes>()
            .AddSingleton<IDockerRoutes, Events.EventRoutes>()
            .AddSingleton<IDockerRoutes, Networks.NetworkRoutes>()
            .AddSingleton<IDockerRoutes, Networks.NetworkConnectRoutes>()
            .AddSingleton<DockerRouter>();
    }

    /// <summary>
    /// Marks every connection of <paramref name="listen"/> as a Docker API connection and serves HTTP/1.1 on it (the docker
    /// CLI and SDKs speak HTTP/1.1, and hijack the connection for attach and exec).
    /// </summary>
    public static ListenOptions UseDockerApi(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Protocols = HttpProtocols.Http1;
        listen.Use(next => async connection =>
        {
            connection.Features.Set(DockerConnection.Instance);
            await using var halfClose = new Streams.HalfCloseConnection(connection);
            await next(halfClose);
        });
        return listen;
    }

    /// <summary>
    /// Answers requests of marked connections with the Docker API and nothing else, so no other endpoint of the host (the
    /// CRI gRPC services) is reachable through the Docker socket, nor Docker routes through the others.
    /// </summary>
    public static IApplicationBuilder UseDockerApi(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var router = app.ApplicationServices.GetRequiredService<DockerRouter>();
        return app.MapWhen(IsDockerConnection, branch => branch.Run(router.HandleAsync));
    }

    private static bool IsDockerConnection(HttpContext http) => http.Features.Get<DockerConnection>() is not null;

    /// <summary>The connection feature that marks a Docker API connection.</summary>
    private sealed class DockerConnection
    {
        public static readonly DockerConnection Instance = new();
    }
}
