using Minato.IntegrationTests.Fixtures;
using Minato.Testing;

namespace Minato.IntegrationTests.Images;

/// <summary>Three registries (no auth, basic, bearer) holding the test images, and one daemon pulling from them.</summary>
public sealed class ImageRegistryFixture : IAsyncLifetime
{
    public RegistriesFixture Registries { get; } = new();

    public MinatoDaemon Daemon { get; private set; } = null!;

    public TestImage Busybox { get; private set; } = null!;

    public TestImage Multilayer { get; private set; } = null!;

    public TestImage Zstd { get; private set; } = null!;

    public TestImage Multiarch { get; private set; } = null!;

    public TestImage MultiarchDocker { get; private set; } = null!;

    public TestImage BusyboxDocker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Registries.InitializeAsync();
        Busybox = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        BusyboxDocker = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox(ManifestFormat.DockerSchema2));
        Multilayer = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multilayer);
        Zstd = await TestImageCache.Shared.GetAsync(TestImageRecipes.Zstd);
        Multiarch = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multiarch());
        MultiarchDocker = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multiarch(ManifestFormat.DockerSchema2));
        foreach (var auth in Enum.GetValues<RegistryAuth>())
        {
            var registry = Registries.For(auth);
            await registry.PushAsync(Busybox, "library/busybox:1.36");
            await registry.PushAsync(Multilayer, "test/multilayer:v1");
        }

        var open = Registries.For(RegistryAuth.None);
        await open.PushAsync(Zstd, "test/zstd:v1");
        await open.PushAsync(Multiarch, "test/multiarch:v1");
        await open.PushAsync(MultiarchDocker, "test/multiarch-docker:v1");
        await open.PushAsync(BusyboxDocker, "test/busybox-docker:v1");
        Daemon = await MinatoDaemon.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Daemon.DisposeAsync();
        await Registries.DisposeAsync();
    }
}
