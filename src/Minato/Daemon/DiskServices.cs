using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Minato.Configuration;
using Minato.Engine.Containers;
using Minato.Engine.Disk;
using Minato.Engine.Images;
using Minato.Engine.Images.Store;

namespace Minato.Daemon;

/// <summary>Registers disk accounting, garbage collection and its schedule (<c>[gc]</c>).</summary>
internal static class DiskServices
{
    public static IServiceCollection AddDisk(this IServiceCollection services, MinatoConfig config)
    {
        var sandbox = config.Images.SandboxImage is { Length: > 0 } s ? ImageReference.TryParse(s)?.ToString() : null;
        services
            .AddSingleton(new PinnedImages(sandbox is null ? [] : [sandbox]))
            .AddSingleton<IFileSystemUsage, StatvfsUsage>()
            .AddSingleton(sp => new DiskUsageService(
                sp.GetRequiredService<ImageStore>(), sp.GetRequiredService<ContainerService>(),
                sp.GetRequiredService<ContainerServiceOptions>(), sp.GetRequiredService<PinnedImages>()))
            .AddSingleton(sp => new GarbageCollector(
                sp.GetRequiredService<ImageStore>(), sp.GetRequiredService<ContainerService>(), sp.GetRequiredService<DiskUsageService>(),
                sp.GetRequiredService<PinnedImages>(),
                config.Gc.ImageGcHighPercent > 0
                    ? new ImageGcPolicy(config.Gc.ImageGcHighPercent, config.Gc.ImageGcLowPercent, sp.GetRequiredService<IFileSystemUsage>())
                    : null,
                sp.GetRequiredService<ILogger<GarbageCollector>>()));
        if (config.Gc.Interval > TimeSpan.Zero)
        {
            services.AddHostedService(sp => new GcSchedule(
                sp.GetRequiredService<GarbageCollector>(), config.Gc.Interval, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<GcSchedule>>()));
        }

        return services;
    }
}
