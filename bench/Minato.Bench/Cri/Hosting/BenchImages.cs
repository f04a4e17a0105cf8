using System.Globalization;
using Minato.Testing;

namespace Minato.Bench.Cri.Hosting;

/// <summary>The images the workloads use, built by the project's fixture code and served by a local registry on 127.0.0.1.</summary>
internal sealed class BenchImages : IAsyncDisposable
{
    private readonly RegistryFixture _registry;

    private BenchImages(RegistryFixture registry, string busybox, string pause, string pullGzip, string pullZstd, long pullBytes, int pullLayers)
    {
        _registry = registry;
        Busybox = busybox;
        Pause = pause;
        PullGzip = pullGzip;
        PullZstd = pullZstd;
        PullBytes = pullBytes;
        PullLayers = pullLayers;
    }

    public string RegistryHost => _registry.Host;

    /// <summary>What the containers run.</summary>
    public string Busybox { get; }

    /// <summary>containerd's <c>sandbox_image</c>.</summary>
    public string Pause { get; }

    public string PullGzip { get; }

    public string PullZstd { get; }

    /// <summary>Uncompressed bytes of generated data in each pull image (plus the busybox layer).</summary>
    public long PullBytes { get; }

    public int PullLayers { get; }

    public static async Task<BenchImages> StartAsync(long pullBytes, int pullLayers, Action<string> progress, CancellationToken cancellationToken)
    {
        var registry = await RegistryFixture.StartAsync(cancellationToken: cancellationToken);
        try
        {
            var cache = TestImageCache.Shared;
            progress("building and pushing busybox, pause");
            var busybox = await registry.PushAsync(await cache.GetAsync(TestImageRecipes.Busybox(), cancellationToken), "bench/busybox:1", cancellationToken);
            var pause = await registry.PushAsync(await cache.GetAsync(TestImageRecipes.Pause, cancellationToken), "bench/pause:1", cancellationToken);
            progress($"building and pushing the pull images ({pullLayers} layers, {pullBytes >> 20} MiB, gzip and zstd; cached after the first run)");
            var gzip = await registry.PushAsync(await cache.GetAsync(TestImageRecipes.Large(pullBytes, pullLayers), cancellationToken), "bench/pull-gzip:1", cancellationToken);
            var zstd = await registry.PushAsync(await cache.GetAsync(LargeZstd(pullBytes, pullLayers), cancellationToken), "bench/pull-zstd:1", cancellationToken);
            return new BenchImages(registry, busybox.Reference, pause.Reference, gzip.Reference, zstd.Reference, pullBytes, pullLayers);
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _registry.DisposeAsync();

    /// <summary>How many layer or config blobs of <paramref name="reference"/>'s repository the registry has served so far,
    /// from its access log: a cold pull must fetch every one of them again.</summary>
    public int BlobFetches(string reference)
    {
        var repository = reference[(reference.IndexOf('/', StringComparison.Ordinal) + 1)..reference.LastIndexOf(':')];
        var marker = $"\"GET /v2/{repository}/blobs/sha256:";
        return _registry.Log.Split('\n').Count(line => line.Contains(marker, StringComparison.Ordinal));
    }

    /// <summary>Like <see cref="TestImageRecipes.Large"/> with zstd layers: same generated files, so gzip and zstd pulls
    /// move the same data.</summary>
    private static TestImageRecipe LargeZstd(long uncompressedBytes, int layers)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"bench large zstd {uncompressedBytes} {layers} {BusyboxRootfs.RecipeKey}");
        return new("large-zstd", key, async (dir, ct) =>
        {
            var image = new TestImageBuilder { Config = BusyboxRootfs.Config };
            image.Layer(await BusyboxRootfs.LayerAsync(LayerCompression.Zstd, ct));
            for (var i = 0; i < layers; i++)
            {
                var bytes = (uncompressedBytes / layers) + (i < uncompressedBytes % layers ? 1 : 0);
                image.Layer(TestImageRecipes.GeneratedLayer(i, bytes, LayerCompression.Zstd));
            }

            return await image.BuildAsync(dir, cancellationToken: ct);
        });
    }
}
