using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Minato.Configuration;
using Minato.Cri.Containers;
using Minato.Cri.Events;
using Minato.Cri.Pods;
using Minato.Cri.Streaming;
using Minato.Engine;
using Minato.Engine.Containers;
using Minato.Engine.Devices.Cdi;
using Minato.Engine.Images.Store;
using Minato.Engine.Linux;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Monitor;
using Minato.Engine.Oci;
using Minato.Engine.Oci.Spec;
using Minato.Engine.Store;

namespace Minato.Daemon;

/// <summary>Registers the engine's container service with its OS seams, the CRI layer's containers and streams on top,
/// and hooks them into pod teardown.</summary>
internal static class ContainerServices
{
    public static IServiceCollection AddContainers(this IServiceCollection services, MinatoConfig config) => services
        .AddSingleton(sp => ContainerStore.Load(sp.GetRequiredService<MetadataStore>()))
        .AddSingleton(sp => CriContainerStore.Load(sp.GetRequiredService<MetadataStore>()))
        .AddSingleton<IOverlayMounts, LinuxOverlayMounts>()
        .AddSingleton<IHostDevices, HostDevices>()
        .AddSingleton(new ContainerSpecOptions
        {
            CgroupDriver = config.CgroupDriver,
            SeccompProfileRoot = config.SeccompProfileRoot.Length > 0 ? config.SeccompProfileRoot : null,
        }.WithHostFacts().WithRuntimeFeatures(OciRuntimeFeatures.ProbeAllAsync(config.RuntimeHandlers, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult()))
        .AddSingleton<ContainerSpecBuilder>()
        .AddSingleton<IOciRuntimes>(new OciRuntimeClis(config.RuntimeHandlers, config.RuntimeTimeout))
        .AddSingleton<IContainerMonitor>(new Conmon(new ConmonOptions(
            config.Conmon.Length > 0 ? config.Conmon : ExecutableSearch.Find("conmon") ?? "/usr/bin/conmon",
            Path.Combine(config.State, "exits"),
            Path.Combine(config.State, "attach"),
            config.CgroupDriver == Engine.Linux.Cgroups.CgroupDriver.Systemd)))
        .AddSingleton(new ContainerServiceOptions(config.State, config.Root) { RuntimeTimeout = config.RuntimeTimeout })
        .AddSingleton(sp => new CdiRegistry(new CdiOptions { SpecDirectories = config.CdiSpecDirs }, sp.GetRequiredService<TimeProvider>()))
        .AddSingleton(sp => new ContainerService(
            sp.GetRequiredService<ContainerStore>(),
            sp.GetRequiredService<ImageStore>(),
            sp.GetRequiredService<IOciRuntimes>(),
            sp.GetRequiredService<IContainerMonitor>(),
            sp.GetRequiredService<IOverlayMounts>(),
            sp.GetRequiredService<ContainerServiceOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ContainerService>>(),
            sp.GetRequiredService<CdiRegistry>()))
        .AddSingleton(new ContainerEventSource())
        .AddSingleton(sp => new PodContainers(
            sp.GetRequiredService<CriContainerStore>(),
            sp.GetRequiredService<SandboxStore>(),
            sp.GetRequiredService<ImageStore>(),
            sp.GetRequiredService<ContainerService>(),
            sp.GetRequiredService<ContainerSpecBuilder>(),
            sp.GetRequiredService<ContainerEventSource>()))
        .AddSingleton<PodStatsReader>()

        // Pod resizes write the pod's cgroup directly, in the hierarchies this host mounts.
        .AddSingleton(sp => new CgroupLimitWriter(new CgroupFiles(), sp.GetRequiredService<ContainerSpecOptions>().CgroupMode))
        .AddSingleton<IPodContainers>(sp => sp.GetRequiredService<PodContainers>())
        .AddSingleton<IContainerStreams, ContainerStreams>();
}
