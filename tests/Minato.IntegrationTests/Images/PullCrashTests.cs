using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Images;

/// <summary>Durability of pulls: a daemon killed mid-pull restarts with the old state, never a half-made image.</summary>
public sealed class PullCrashTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("minato-it-pullcrash-").FullName;
    private TestImage _image = null!;

    public async Task InitializeAsync() => _image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multilayer);

    public Task DisposeAsync()
    {
        Directory.Delete(_home, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Sigkill_WhileTheLastLayerDownloads_RestartHasNoImageNoSnapshotAndPullsAgain()
    {
        await using var registry = new MisbehavingRegistry(_image);
        var layers = _image.Manifest().Layers;
        var last = layers[^1].Digest;
        // The last layer's headers announce its real size, then nothing comes: the pull waits on it (an announced 0
        // bytes would fail the pull at once, and a failed pull now removes its own blobs).
        CannedResponse Stall(SeenRequest request)
        {
            var served = registry.Serve(request);
            var size = layers[^1].Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return served with { Body = [], Hang = true, Headers = new Dictionary<string, string>(served.Headers) { ["Content-Length"] = size } };
        }

        registry.Override = r => r.Path.EndsWith(last, StringComparison.Ordinal) ? Stall(r) : null;
        var reference = $"{registry.Host}/crash/multilayer:1";

        await using (var first = await MinatoDaemon.StartInAsync(_home))
        {
            var pull = first.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = reference } }).ResponseAsync;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!registry.Requests.Any(r => r.Path.EndsWith(last, StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            // Wait until the other layers' blobs are committed (a fixed delay raced a loaded machine), then kill.
            var committed = Path.Combine(_home, "root", "content", "blobs", "sha256");
            var others = layers.Take(layers.Count - 1).Select(l => l.Digest.Split(':')[1]).ToList();
            while (!others.All(d => File.Exists(Path.Combine(committed, d))) && DateTime.UtcNow < deadline.AddSeconds(30))
            {
                await Task.Delay(20);
            }

            await Task.Delay(200);
            ProcessSignals.Send(first.ProcessId, ProcessSignals.SigKill);
            await first.StopAsync(TimeSpan.FromSeconds(30));
            await Assert.ThrowsAnyAsync<Exception>(() => pull);
        }

        // The kill left finished downloads on disk that no image record owns: the restart must notice them.
        var blobs = Path.Combine(_home, "root", "content", "blobs", "sha256");
        Assert.NotEmpty(Directory.EnumerateFiles(blobs));

        await using var second = await MinatoDaemon.StartInAsync(_home);

        Assert.Empty((await second.Images.ListImagesAsync(new ListImagesRequest())).Images);
        Assert.Null((await second.Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = reference } })).Image);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(second.Root, "unpack")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(second.Root, "content", "ingest")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(second.Root, "snapshots")));
        Assert.Empty(Directory.EnumerateFiles(blobs));

        registry.Override = _ => null;
        var pulled = await second.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = reference } });

        Assert.Equal(_image.Manifest().ImageId, pulled.ImageRef);
        Assert.Equal(layers.Count, Directory.EnumerateDirectories(Path.Combine(second.Root, "snapshots")).Count());
    }
}
