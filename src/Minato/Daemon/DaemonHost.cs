using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Minato.Configuration;
using Minato.Cri;
using Minato.Cri.Containers;
using Minato.Cri.Network;
using Minato.Cri.Pods;
using Minato.Cri.Runtime;
using Minato.Daemon.Metrics;
using Minato.Docker;
using Minato.Engine;
using Minato.Engine.Containers;
using Minato.Engine.Linux;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Linux.Namespaces;
using Minato.Engine.Network;
using Minato.Engine.Network.Bridges;
using Minato.Engine.Store;
using Minato.Streaming.Http2;

namespace Minato.Daemon;

/// <summary>Wires the daemon: directories, locks, metadata store, the gRPC server on the Unix socket, shutdown.</summary>
internal static class DaemonHost
{
    /// <summary>Largest CRI message accepted or sent; the kubelet's own limit is 16 MiB.</summary>
    private const int MaxMessageSize = 16 * 1024 * 1024;

    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>Runs until SIGTERM/SIGINT or <paramref name="cancellationToken"/>; returns the exit code.</summary>
    /// <param name="config">The configuration to start with.</param>
    /// <param name="reread">Reads the configuration again for a reload (SIGHUP, <c>minato config reload</c>), with the
    /// same command-line flags; null keeps <paramref name="config"/>.</param>
    /// <param name="cancellationToken">Stops the daemon.</param>
    public static async Task<int> RunAsync(MinatoConfig config, Func<MinatoConfig>? reread, CancellationToken cancellationToken)
    {
        // The socket first: a second daemon pointed at a live socket must fail before it creates anything.
        SocketFile.Prepare(config.SocketPath);
        var docker = config.DockerApi;
        var dockerGroup = docker.Group.Length > 0 ? SocketGroup.Resolve(docker.Group, "docker_api.group") : (uint?)null;
        if (docker is { Enabled: true, IsUnix: true })
        {
            if (docker.SocketPath == config.SocketPath)
            {
                throw new DaemonStartupException($"the Docker API and the CRI cannot share the socket {config.SocketPath}");
            }

            SocketFile.Prepare(docker.SocketPath);
        }

        using var socketLock = InstanceLock.TryAcquire(config.SocketPath + ".lock")
            ?? throw new DaemonStartupException($"another daemon is starting on {config.SocketPath}");
        Directory.CreateDirectory(config.Root, DirectoryMode);
        Directory.CreateDirectory(config.State, DirectoryMode);
        using var rootLock = InstanceLock.TryAcquire(Path.Combine(config.Root, "minato.lock"))
            ?? throw new DaemonStartupException($"another minato daemon is using root {config.Root}");
        using var stateLock = InstanceLock.TryAcquire(Path.Combine(config.State, "minato.lock"))
            ?? throw new DaemonStartupException($"another minato daemon is using state {config.State}");

        var store = MetadataStore.Open(config.DatabasePath, CriSchema.Module, NetworkSchema.Module, DockerSchema.Module, Minato.Build.BuildSchema.Module);
        var app = Build(config, store, reread ?? (() => config));

        // From now on SIGHUP reloads instead of ending the process (its default action).
        using var hangup = ConfigReloader.OnHangup(app.Services.GetRequiredService<ConfigReloader>());

        // Loading the image store removes what interrupted pulls left behind; do it before serving.
        app.Services.GetRequiredService<Engine.Images.Store.ImageStore>();
        var volumes = app.Services.GetRequiredService<Engine.Volumes.VolumeService>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Minato.Daemon");
        DaemonLog.StoreOpened(logger, store.Path, store.SchemaVersion);
        try
        {
            // Finish or undo what a killed daemon left before the first call can see it.
            if (docker.Enabled)
            {
                // Before the containers: their recovery disconnects those that exited while the daemon was down.
                await app.Services.GetRequiredService<BridgeNetworks>().RecoverAsync(cancellationToken);
            }

            await app.Services.GetRequiredService<ContainerService>().RecoverAsync(cancellationToken);
            await app.Services.GetRequiredService<Minato.Build.ImageBuilder>().RemoveLeftoversAsync(cancellationToken);
            await app.Services.GetRequiredService<PodContainers>().RecoverAsync(cancellationToken);
            await app.Services.GetRequiredService<PodSandboxes>().RecoverAsync(cancellationToken);
            if (docker.Enabled)
            {
                await app.Services.GetRequiredService<Docker.Containers.DockerContainers>().RecoverAsync(cancellationToken);
            }

            volumes.ReleaseUnknown(app.Services.GetRequiredService<ContainerService>().List().Select(c => c.Id).ToHashSet(StringComparer.Ordinal));

            // The kubelet does not send its pod CIDRs again after a runtime restart: bring the rendered CNI config back
            // if it went missing or the template changed (an unchanged file is not touched).
            app.Services.GetRequiredService<PodNetworkConfig>().RenderStored();

            // After recovery, so every container that survived is known and only what nothing owns goes.
            await app.Services.GetRequiredService<Engine.Disk.GarbageCollector>().CollectAsync("startup", cancellationToken);
            await StartAsync(app, config, cancellationToken);
            SocketFile.Restrict(config.SocketPath);
            if (docker.Enabled)
            {
                if (docker.IsUnix)
                {
                    SocketFile.Restrict(docker.SocketPath);
                    if (dockerGroup is { } gid)
                    {
                        SocketGroup.Apply(docker.SocketPath, gid);
                    }
                }

                DaemonLog.ServingDockerApi(logger, docker.Listen, Docker.Http.ApiVersion.Current.ToString());
            }

            await File.WriteAllTextAsync(PidFile(config), $"{Environment.ProcessId}\n", cancellationToken);
            DaemonLog.Serving(logger, ProductVersion.Value, config.Listen, config.Root, config.State,
                app.Services.GetRequiredService<HostFacts>().CgroupMode.ToString().ToLowerInvariant(),
                config.CgroupDriver.ToString().ToLowerInvariant());
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStopping.Register(() => DaemonLog.ShuttingDown(logger, config.ShutdownTimeout.TotalSeconds));
            await app.WaitForShutdownAsync(cancellationToken);
        }
        finally
        {
            await app.DisposeAsync();
            File.Delete(config.SocketPath);
            if (docker is { Enabled: true, IsUnix: true })
            {
                File.Delete(docker.SocketPath);
            }
            File.Delete(PidFile(config));
            DaemonLog.Stopped(logger, config.SocketPath);
        }

        return 0;
    }

    /// <summary>Starts serving; a metrics address that cannot be bound stops start-up naming its key.</summary>
    private static async Task StartAsync(WebApplication app, MinatoConfig config, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e) when (config.MetricsAddress.Length > 0 && e.Message.Contains(config.MetricsAddress, StringComparison.Ordinal))
        {
            throw new DaemonStartupException($"metrics.address: cannot listen on {config.MetricsAddress}: {e.Message}");
        }
    }

    /// <summary>The daemon's pid, for service scripts: <c>&lt;state&gt;/minato.pid</c>.</summary>
    public static string PidFile(MinatoConfig config) => Path.Combine(config.State, "minato.pid");

    private static WebApplication Build(MinatoConfig config, MetadataStore store, Func<MinatoConfig> reread)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        var levels = new LogLevelSwitch(config.LogLevel);
        DaemonLogging.Configure(builder.Logging, config, levels);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = config.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ListenUnixSocket(config.SocketPath, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;

                // kubelet and crictl before 1.30 send the socket path as :authority, which Kestrel refuses.
                listen.UseAuthorityRewrite();
            });
            if (config.DockerApi.Enabled)
            {
                DockerListener.Add(kestrel, config.DockerApi);
            }

            if (ConfigLoader.ParseMetricsAddress(config.MetricsAddress) is { } metrics)
            {
                Metrics.MetricsEndpoint.Listen(kestrel, metrics);
            }
        });

        var handler = config.RuntimeHandlers.First(h => h.Name == config.DefaultRuntime);
        builder.Services
            .AddSingleton(config)
            .AddSingleton(store)
            .AddSingleton(levels)
            .AddSingleton(sp => new ConfigReloader(
                reread, sp.GetRequiredService<Engine.Images.Registry.RegistrySettings>(), levels, sp.GetRequiredService<CniConfigDirectory>(),
                sp.GetRequiredService<ILogger<ConfigReloader>>()))
            .AddSingleton(TimeProvider.System)
            .AddSingleton(new HostFacts(CgroupModeDetector.DetectSelf()))
            .AddSingleton(new CniConfigDirectory(config.Cni))
            .AddSingleton(new RuntimeReadiness(handler))
            .AddSingleton(services => PodNetworkConfig.Load(
                store,
                services.GetRequiredService<CniConfigDirectory>(),
                config.CniConfigTemplate,
                services.GetRequiredService<ILoggerFactory>().CreateLogger<PodNetworkConfig>()))
            .AddSingleton(SandboxStore.Load(store))
            .AddSingleton<INamespaces, LinuxNamespaces>()
            .AddSingleton<IMounts, LinuxMounts>()
            .AddSingleton<ICniPluginExecutor>(new CniProcessExecutor(config.Cni.PluginTimeout))
            .AddSingleton<CniChain>()
            .AddSingleton(sp => new PodSandboxOptions(
                config.State,
                config.RuntimeHandlers.Select(h => h.Name).ToList(),
                config.DefaultRuntime,
                ExecutableSearch.Find("catatonit"))
            {
                UserNamespaceHandlers = sp.GetRequiredService<ContainerSpecOptions>().UserNamespaceHandlers,
            })
            .AddSingleton<PodSandboxes>()
            .AddSingleton(sp => Engine.Volumes.VolumeService.Load(store, Path.Combine(config.Root, "volumes"), sp.GetRequiredService<TimeProvider>()))
            .AddContainers(config)
            .AddImages(config)
            .AddSingleton<Minato.Build.BuildCache>()
            .AddSingleton(new Minato.Build.BuildSettings(
                config.DefaultRuntime, CgroupModeDetector.DetectSelf() == CgroupMode.Unified, config.CgroupDriver == Engine.Linux.Cgroups.CgroupDriver.Systemd))
            .AddSingleton<Minato.Build.ImageBuilder>()
            .AddStreaming(config)
            .AddBridgeNetworks(config)
            .AddDisk(config);
        if (config.DockerApi.Enabled)
        {
            // The Docker door shows pod containers through this contract only; it knows nothing of the CRI.
            builder.Services.AddSingleton<Docker.Containers.Pods.IPodContainerSource, CriPodContainerSource>();
            builder.Services.AddDockerApi(new DockerHostOptions
            {
                RootDirectory = config.Root,
                CgroupDriver = config.CgroupDriver.ToString().ToLowerInvariant(),
                CgroupVersion = CgroupModeDetector.DetectSelf() == CgroupMode.Unified ? "2" : "1",
                Runtimes = config.RuntimeHandlers.ToDictionary(h => h.Name, h => h.Path, StringComparer.Ordinal),
                DefaultRuntime = config.DefaultRuntime,
                PodContainers = config.DockerApi.PodContainers,
            });
        }

        if (config.MetricsAddress.Length > 0)
        {
            builder.Services.AddMetrics(config.DatabasePath);
        }

        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = MaxMessageSize;
            grpc.MaxSendMessageSize = MaxMessageSize;
            grpc.EnableDetailedErrors = true;
            grpc.Interceptors.Add<CallInterceptor>();
        });

        var app = builder.Build();
        if (config.MetricsAddress.Length > 0)
        {
            app.UseMetrics();
        }

        if (config.DockerApi.Enabled)
        {
            app.UseDockerApi();
        }

        app.MapGrpcService<CriAdapters.RuntimeServiceAdapter>();
        app.MapGrpcService<CriAdapters.ImageServiceAdapter>();
        app.MapGrpcService<MinatoImagesAdapter>();
        app.MapGrpcService<OperationsAdapter>();
        return app;
    }
}
