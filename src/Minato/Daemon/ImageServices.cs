using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Minato.Configuration;
using Minato.Cri.Images;
using Minato.Engine.Images;
using Minato.Engine.Images.Archive;
using Minato.Engine.Images.Build;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Pull;
using Minato.Engine.Images.Push;
using Minato.Engine.Images.Registry;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Images.Store;
using Minato.Engine.Store;

namespace Minato.Daemon;

/// <summary>Registers the image store, registry client, puller and CRI image service.</summary>
internal static class ImageServices
{
    /// <summary>Adds the image services; the store loads (and cleans interrupted pulls) when first resolved.</summary>
    public static IServiceCollection AddImages(this IServiceCollection services, MinatoConfig config) => services
        .AddSingleton(sp => ImageStore.Load(
            sp.GetRequiredService<MetadataStore>(),
            new ContentStore(Path.Combine(config.Root, "content")),
            new SnapshotStore(Path.Combine(config.Root, "snapshots"), Path.Combine(config.Root, "unpack"))))
        .AddSingleton(sp => new RegistryClient(sp.GetRequiredService<TimeProvider>()))
        .AddSingleton(new RegistrySettings(
            RegistriesConfigLoader.Load(RegistriesConfigLoader.Locate(config.Images.RegistriesConfig)),
            config.Images.RegistryAuthFile.Length > 0 ? CredentialStore.Load(config.Images.RegistryAuthFile) : CredentialStore.Empty))
        .AddSingleton(sp => new ImageUnpacker(
            sp.GetRequiredService<ImageStore>(), config.Images.Pull, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ImageUnpacker>>()))
        .AddSingleton(sp => new ImagePuller(
            sp.GetRequiredService<RegistryClient>(), sp.GetRequiredService<RegistrySettings>(), sp.GetRequiredService<ImageUnpacker>(), config.Images.Pull, sp.GetRequiredService<TimeProvider>()))
        .AddSingleton(sp => new ImagePusher(
            sp.GetRequiredService<RegistryClient>(), sp.GetRequiredService<RegistrySettings>(), sp.GetRequiredService<ImageStore>(),
            config.Images.Pull, sp.GetRequiredService<TimeProvider>()))
        .AddSingleton(sp => new ImageRecorder(
            sp.GetRequiredService<ImageUnpacker>(), sp.GetRequiredService<ImageStore>(), config.Images.Pull, sp.GetRequiredService<TimeProvider>()))
        .AddSingleton(sp => new ImageImporter(
            sp.GetRequiredService<ImageUnpacker>(), sp.GetRequiredService<ImageStore>(), config.Images.Pull, sp.GetRequiredService<TimeProvider>()))
        .AddSingleton(sp => new ImageExporter(sp.GetRequiredService<ImageStore>().Content))
        .AddSingleton<ImageArchives>()
        .AddSingleton<IImageUsage>(sp => sp.GetRequiredService<Engine.Containers.ContainerService>())
        .AddSingleton(sp => new CriImageService(
            sp.GetRequiredService<ImageStore>(), sp.GetRequiredService<ImagePuller>(), sp.GetRequiredService<IImageUsage>(),
            config.Images.SandboxImage, sp.GetRequiredService<TimeProvider>()));
}
