using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Minato.Configuration;
using Minato.Cri.Containers;
using Minato.Cri.Events;
using Minato.Cri.Pods;
using Minato.Cri.Streaming;
using Minato.Engine;
using Minato.Engine.Images.Store;
using Minato.Engine.Linux;
using Minato.Engine.Monitor;
using Minato.Engine.Store;

namespace Minato.Daemon;

/// <summary>Registers the container store, spec builder, lifecycle and streams, and hooks them into pod teardown.</summary>
internal static class ContainerServices
{
    public static IServiceCollection AddContainers(this IServiceCollection services, MinatoConfig config) => services
        .AddSingleton(sp => ContainerStore.Load(sp.GetRequiredService<MetadataStore>()))
        .AddSingleton<IOverlayMounts, LinuxOverlayMounts>()
        .AddSingleton<IHostDevices, HostDevices>()
        .AddSingleton(new ContainerSpecOptions { CgroupDriver = config.CgroupDriver }.WithHostFacts())
        .AddSingleton<ContainerSpecBuilder>()
        .AddSingleton(new ContainerLifecycleOptions(
            config.State,
            config.Root,
            config.RuntimeHandlers,
            new ConmonOptions(
                ExecutableSearch.Find("conmon") ?? "/usr/bin/conmon",
                Path.Combine(config.State, "exits"),
                Path.Combine(config.State, "attach"),
                config.CgroupDriver == Engine.Linux.Cgroups.CgroupDriver.Systemd)))
        .AddSingleton(sp => new ContainerLifecycle(
            sp.GetRequiredService<ContainerStore>(),
            sp.GetRequiredService<SandboxStore>(),
            sp.GetRequiredService<ImageStore>(),
            sp.GetRequiredService<ContainerSpecBuilder>(),
            sp.GetRequiredService<IOverlayMounts>(),
            sp.GetRequiredService<ContainerLifecycleOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ContainerLifecycle>>(),
            sp.GetRequiredService<ContainerEventSource>()))
        .AddSingleton(new ContainerEventSource())
        .AddSingleton<PodStatsReader>()
        .AddSingleton<IPodContainers>(sp => sp.GetRequiredService<ContainerLifecycle>())
        .AddSingleton<IContainerStreams, ContainerStreams>();
}
