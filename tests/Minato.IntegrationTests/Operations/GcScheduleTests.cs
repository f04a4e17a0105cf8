using System.Globalization;
using System.Security.Cryptography;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Images;
using Minato.Testing;

namespace Minato.IntegrationTests.Operations;

/// <summary>The scheduled garbage collection of a running daemon: it takes what an interrupted pull left, and leaves
/// alone the blobs of a pull still in progress.</summary>
public sealed class GcScheduleTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("minato-it-gc-").FullName;
    private TestImage _image = null!;

    public async Task InitializeAsync() => _image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multilayer);

    public Task DisposeAsync()
    {
        Directory.Delete(_home, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Schedule_LeftoversBesideAStalledPull_CollectsLeftoversKeepsThePullsBlobs()
    {
        await using var registry = new MisbehavingRegistry(_image);
        var layers = _image.Manifest().Layers;
        var last = layers[^1].Digest;
        CannedResponse Stall(SeenRequest request)
        {
            var served = registry.Serve(request);
            var size = layers[^1].Size.ToString(CultureInfo.InvariantCulture);
            return served with { Body = [], Hang = true, Headers = new Dictionary<string, string>(served.Headers) { ["Content-Length"] = size } };
        }

        registry.Override = r => r.Path.EndsWith(last, StringComparison.Ordinal) ? Stall(r) : null;
        var config = Path.Combine(_home, "minato.toml");
        await File.WriteAllTextAsync(config, "image_pull_stall_timeout_seconds = 600\n\n[gc]\ninterval = \"1s\"\n");
        await using var daemon = await MinatoDaemon.StartInAsync(Path.Combine(_home, "d"), "--config", config);
        var blobs = Path.Combine(daemon.Root, "content", "blobs", "sha256");
        using var cancel = new CancellationTokenSource();
        var pull = daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = $"{registry.Host}/gc/multilayer:1" } },
            cancellationToken: cancel.Token).ResponseAsync;
        var others = layers.Take(layers.Count - 1).Select(l => Path.Combine(blobs, l.Digest[7..])).ToList();
        await WaitForAsync(() => others.All(File.Exists), "the pull's first blobs");

        // What a pull killed after committing a blob and a snapshot, before recording its image, leaves behind.
        var leftBlob = Path.Combine(blobs, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        await File.WriteAllBytesAsync(leftBlob, RandomNumberGenerator.GetBytes(10_000));
        var leftSnapshot = Directory.CreateDirectory(Path.Combine(daemon.Root, "snapshots", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)))).FullName;
        await File.WriteAllBytesAsync(Path.Combine(leftSnapshot, "file"), RandomNumberGenerator.GetBytes(10_000));

        await WaitForAsync(() => !File.Exists(leftBlob) && !Directory.Exists(leftSnapshot), "the scheduled collection");
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        Assert.False(pull.IsCompleted);
        Assert.All(others, b => Assert.True(File.Exists(b), $"{b} of the running pull was collected"));
        Assert.NotEmpty(Directory.EnumerateDirectories(Path.Combine(daemon.Root, "snapshots")));
        Assert.Contains("garbage collection (schedule): 0 images", daemon.Output, StringComparison.Ordinal);

        // Once the pull is gone, nothing holds its blobs any more.
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => pull);
        await WaitForAsync(() => !others.Any(File.Exists) && !Directory.EnumerateDirectories(Path.Combine(daemon.Root, "snapshots")).Any(),
            "the cancelled pull's blobs to go");
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
