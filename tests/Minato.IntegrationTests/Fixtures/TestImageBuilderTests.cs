using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Minato.Testing;

namespace Minato.IntegrationTests.Fixtures;

/// <summary>The test images are real: their blobs match their digests, busybox runs, the multilayer view is as documented.</summary>
public sealed class TestImageBuilderTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("minato-it-images-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> SmallImages => new(TestImageRecipes.Names.Where(n => n != "large"));

    [Theory]
    [MemberData(nameof(SmallImages))]
    public async Task BuildAsync_EachImage_BlobsAndDiffIdsMatchTheirDigests(string name)
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.ByName(name));

        AssertBlob(image, image.Root);
        foreach (var manifest in image.Manifests)
        {
            AssertBlob(image, manifest.Descriptor);
            AssertBlob(image, manifest.Config);
            Assert.Equal(manifest.Layers.Count, manifest.DiffIds.Count);
            foreach (var (layer, diffId) in manifest.Layers.Zip(manifest.DiffIds))
            {
                AssertBlob(image, layer);
                using var blob = File.OpenRead(image.BlobPath(layer.Digest));
                using var tar = LayerFlattener.Decompress(blob, layer.MediaType);
                Assert.Equal(diffId, "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(tar)));
            }
        }
    }

    [Fact]
    public async Task BuildAsync_SameRecipeTwice_GivesIdenticalDigests()
    {
        var recipe = TestImageRecipes.Multiarch();

        var first = await recipe.Build(Path.Combine(_dir, "a"), CancellationToken.None);
        var second = await recipe.Build(Path.Combine(_dir, "b"), CancellationToken.None);

        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(first.Manifests.Select(m => m.Config.Digest), second.Manifests.Select(m => m.Config.Digest));
    }

    [Fact]
    public async Task GetAsync_SecondCacheOverTheSameRoot_ReusesTheLayoutWithoutBuilding()
    {
        var builds = 0;
        var recipe = new TestImageRecipe("counted", "counted v1", (dir, ct) =>
        {
            Interlocked.Increment(ref builds);
            return new TestImageBuilder().Layer(LayerCompression.Gzip, l => l.File("hello", "hi\n")).BuildAsync(dir, cancellationToken: ct);
        });

        var first = await new TestImageCache(_dir).GetAsync(recipe);
        var second = await new TestImageCache(_dir).GetAsync(recipe);

        Assert.Equal(1, builds);
        Assert.Equal(first.LayoutDirectory, second.LayoutDirectory);
        Assert.Equal(first.Digest, second.Digest);
    }

    [Fact]
    public async Task Busybox_UnpackedWithTar_RunsEchoAndKnowsTheAppUserUnderChroot()
    {
        var root = await UnpackAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()));

        var echo = await CommandResult.RunAsync("chroot", [root, "bin/busybox", "echo", "hi"], Bound);
        var id = await CommandResult.RunAsync("chroot", [root, "/bin/sh", "-c", "id app; stat -c %a /tmp"], Bound);

        Assert.True(echo.ExitCode == 0, echo.ToString());
        Assert.Equal("hi\n", echo.Stdout);
        Assert.Equal("uid=1000(app) gid=1000(app) groups=1000(app),10(wheel),29(audio),100(users)\n1777\n", id.Stdout);
    }

    [Fact]
    public async Task Pause_Entrypoint_ExitsZeroOnSigterm()
    {
        var root = await UnpackAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Pause));
        var start = new ProcessStartInfo("chroot") { UseShellExecute = false };
        foreach (var arg in TestImageRecipes.PauseEntrypoint.Prepend(root))
        {
            start.ArgumentList.Add(arg);
        }

        using var pause = Process.Start(start)!;
        try
        {
            // The trap is set once sh has forked its first sleep; a signal before that would kill sh outright.
            var children = $"/proc/{pause.Id}/task/{pause.Id}/children";
            var clock = Stopwatch.StartNew();
            while ((await File.ReadAllTextAsync(children)).Trim().Length == 0 && clock.Elapsed < Bound)
            {
                await Task.Delay(20);
            }

            ProcessSignals.Send(pause.Id, ProcessSignals.SigTerm);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await pause.WaitForExitAsync(wait.Token);

            Assert.Equal(0, pause.ExitCode);
        }
        finally
        {
            if (!pause.HasExited)
            {
                pause.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Multilayer_FlattenedLayers_ShowTheDocumentedFinalView()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multilayer);

        var view = LayerFlattener.Flatten(image, image.Manifest());

        foreach (var (path, content) in MultilayerImage.ExpectedFiles)
        {
            Assert.True(view.TryGetValue(path, out var entry), $"{path} missing");
            Assert.Equal(content, Encoding.UTF8.GetString(entry.Content));
            Assert.Equal(MultilayerImage.ExpectedModes.GetValueOrDefault(path, Modes.File), entry.Mode);
        }

        foreach (var (path, target) in MultilayerImage.ExpectedSymlinks)
        {
            Assert.Equal((TarEntryType.SymbolicLink, target), (view[path].Type, view[path].LinkTarget));
        }

        Assert.All(MultilayerImage.ExpectedAbsent, path => Assert.False(view.ContainsKey(path), $"{path} should be gone"));
        foreach (var (directory, names) in MultilayerImage.ExpectedListings)
        {
            var listing = view.Keys.Where(k => Path.GetDirectoryName(k) == directory).Select(Path.GetFileName).Order(StringComparer.Ordinal);
            Assert.Equal(names, listing);
        }

        Assert.Equal(TarEntryType.HardLink, view[MultilayerImage.ExpectedHardlink.Link].Type);
        Assert.Equal(BusyboxRootfs.AppUid, view["home/app/.profile"].Uid);
        Assert.Contains("bin/sh", view.Keys);
    }

    [Fact]
    public async Task Multiarch_Index_ListsAmd64Arm64AndUnknownSharingTheBusyboxLayer()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multiarch());

        Assert.True(image.IsIndex);
        Assert.Equal(["linux/amd64", "linux/arm64/v8", "unknown/unknown"], image.Manifests.Select(m => m.Platform.ToString()));
        Assert.Equal(image.Manifest("amd64").Layers, image.Manifest("arm64").Layers);
        Assert.NotEqual(image.Manifest("amd64").ImageId, image.Manifest("arm64").ImageId);
    }

    [Fact]
    public async Task Large_SmallerSize_HasTheLayersAndCompressesAboutTwoToOne()
    {
        var image = await new TestImageCache(_dir).GetAsync(TestImageRecipes.Large(uncompressedBytes: 24L << 20, layers: 5));
        var generated = image.Manifest().Layers.Skip(1).ToList();

        var compressed = generated.Sum(l => l.Size);

        Assert.Equal(5, generated.Count);
        Assert.InRange((double)(24L << 20) / compressed, 1.7, 2.3);
    }

    private static void AssertBlob(TestImage image, OciDescriptor descriptor)
    {
        var bytes = File.ReadAllBytes(image.BlobPath(descriptor.Digest));
        Assert.Equal(descriptor.Size, bytes.LongLength);
        Assert.Equal(descriptor.Digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    private async Task<string> UnpackAsync(TestImage image)
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "rootfs")).FullName;
        foreach (var layer in image.Manifest().Layers)
        {
            var unpack = await CommandResult.RunAsync("tar", ["-xzf", image.BlobPath(layer.Digest), "-C", root], Bound);
            Assert.True(unpack.ExitCode == 0, unpack.ToString());
        }

        return root;
    }
}
