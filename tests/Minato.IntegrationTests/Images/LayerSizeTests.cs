using System.Diagnostics;
using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Engine.Linux;
using Minato.Testing;

namespace Minato.IntegrationTests.Images;

/// <summary>A 2 GiB file of zeros in a 2 MiB gzip layer: refused over <c>max_layer_size</c>, stored as a hole without a cap.</summary>
public sealed class LayerSizeTests : IAsyncLifetime
{
    private const long ZeroBytes = 2L << 30;
    private readonly string _configDir = Directory.CreateTempSubdirectory("minato-it-layersize-").FullName;
    private TestImage _image = null!;


    public async Task InitializeAsync()
    {
        _image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Zeros(ZeroBytes));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_configDir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task PullImage_LayerOverMaxLayerSize_ResourceExhaustedBeforeWritingAndNothingKept()
    {
        Assert.InRange(_image.Manifest().Layers.Single().Size, 1 << 20, 4 << 20);
        await using var registry = new MisbehavingRegistry(_image);
        await using var daemon = await StartAsync("max_layer_size = \"1GiB\"\n");
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = $"{registry.Host}/x/zeros:1" } }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("max_layer_size", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("1 GiB", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(_image.Manifest().Layers.Single().Digest, error.Status.Detail, StringComparison.Ordinal);

        // The tar header announces 2 GiB: refused there, not after writing a gigabyte.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        await AssertNothingKeptAsync(daemon);
    }

    [Fact]
    public async Task PullImage_ZerosWithoutCap_UnpackedAsAHoleThatCostsNoDisk()
    {
        await using var registry = new MisbehavingRegistry(_image);
        await using var daemon = await StartAsync("max_layer_size = 0\n");

        var pulled = await daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = $"{registry.Host}/x/zeros:1" } });

        Assert.Equal(_image.Manifest().ImageId, pulled.ImageRef);
        var file = Directory.GetFiles(Path.Combine(daemon.Root, "snapshots"), "zeros.img", SearchOption.AllDirectories).Single();
        Assert.Equal(ZeroBytes, new FileInfo(file).Length);
        Assert.InRange((long)FileIdentity.Of(file)!.Value.Blocks * 512, 0, 1 << 20);
        await daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = pulled.ImageRef } });
    }

    private async Task<MinatoDaemon> StartAsync(string toml)
    {
        var config = Path.Combine(_configDir, "minato.toml");
        await File.WriteAllTextAsync(config, toml);
        return await MinatoDaemon.StartAsync("--config", config);
    }

    private static async Task AssertNothingKeptAsync(MinatoDaemon daemon)
    {
        Assert.Empty((await daemon.Images.ListImagesAsync(new ListImagesRequest())).Images);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(daemon.Root, "snapshots")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(daemon.Root, "unpack")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(daemon.Root, "content", "ingest")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(daemon.Root, "content", "blobs"), "*", SearchOption.AllDirectories));
    }
}
