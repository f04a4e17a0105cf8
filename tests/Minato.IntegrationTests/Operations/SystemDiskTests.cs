using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Docker;
using Minato.Testing;
using Minato.Testing.Metrics;

namespace Minato.IntegrationTests.Operations;

/// <summary><c>minato system df</c> and <c>minato system prune</c> through the real CLI against a daemon that holds
/// images, a stopped container and the leftovers an interrupted pull leaves.</summary>
/// <remarks>Figures are allocated bytes, what <c>du -s -B1</c> prints (du's default unit is blocks, not apparent size).</remarks>
public sealed class SystemDiskTests : IAsyncLifetime, IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("minato-it-system-").FullName;
    private readonly string _metrics = $"127.0.0.1:{FreePort()}";
    private RegistryFixture _registry = null!;
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;
    private string _busybox = null!;
    private string _pinned = null!;
    private string _spare = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryFixture.StartAsync();
        _busybox = (await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "df/busybox:1")).Reference;
        _pinned = (await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Multilayer), "df/pause:1")).Reference;
        _spare = (await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.ByName("zstd")), "df/spare:1")).Reference;
        var config = Path.Combine(_home, "minato.toml");
        await File.WriteAllTextAsync(config, $"""
            sandbox_image = "{_pinned}"

            [metrics]
            address = "{_metrics}"

            [gc]
            interval = "0s"
            """);
        _daemon = await MinatoDaemon.StartWithDockerApiAsync("--config", config);
        _docker = new DockerClient(_daemon);
        foreach (var image in new[] { _busybox, _pinned, _spare })
        {
            await _daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image } });
        }

        // A stopped container with 300 KiB in its writable layer keeps busybox in use.
        var run = await _docker.RunAsync("run", "--network", "none", "--name", "writer", _busybox, "sh", "-c", "dd if=/dev/urandom of=/big bs=1k count=300");
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    public async Task DisposeAsync()
    {
        await _docker.RunAsync("rm", "-f", "writer");
        await _daemon.DisposeAsync();
        await _registry.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task SystemDf_ImagesContainerAndLeftovers_AgreesWithDu()
    {
        var (blob, snapshot) = PlantPullLeftovers();

        var df = await MinatoAsync("system", "df", "-v", "-o", "json");

        Assert.True(df.ExitCode == 0, df.ToString());
        using var json = JsonDocument.Parse(df.Stdout);
        var content = Category(json, "content");
        var snapshots = Category(json, "snapshots");
        var containers = Category(json, "containers");
        Assert.Equal(await DuAsync(Root("content")), content.GetProperty("bytes").GetInt64());
        Assert.Equal(await DuAsync(Root("snapshots")) + await DuAsync(Root("unpack")), snapshots.GetProperty("bytes").GetInt64());
        Assert.Equal(await DuAsync(Root("containers")), containers.GetProperty("bytes").GetInt64());

        // The leftovers are reclaimable and sized as du sizes them; the images' own parts are not.
        var leftBlob = Item(content, "sha256:" + Path.GetFileName(blob));
        Assert.True(leftBlob.GetProperty("reclaimable").GetBoolean());
        Assert.Equal(await DuAsync(blob), leftBlob.GetProperty("bytes").GetInt64());
        var leftSnapshot = Item(snapshots, Path.GetFileName(snapshot));
        Assert.True(leftSnapshot.GetProperty("reclaimable").GetBoolean());
        Assert.Equal(await DuAsync(snapshot), leftSnapshot.GetProperty("bytes").GetInt64());
        Assert.Equal(await DuAsync(blob) + await DuAsync(snapshot),
            content.GetProperty("reclaimableBytes").GetInt64() + snapshots.GetProperty("reclaimableBytes").GetInt64());

        // The stopped container's layer holds its 300 KiB and could go; the image it uses and the pinned one could not.
        var writer = Assert.Single(containers.GetProperty("items").EnumerateArray());
        Assert.True(writer.GetProperty("reclaimable").GetBoolean());
        Assert.InRange(writer.GetProperty("bytes").GetInt64(), 300 * 1024, 400 * 1024);
        var images = Category(json, "images").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, images.Count);
        Assert.Equal([_spare], images.Where(i => i.GetProperty("reclaimable").GetBoolean()).Select(i => i.GetProperty("description").GetString()));
        Assert.Single(Category(json, "logs").GetProperty("items").EnumerateArray());

        var table = await MinatoAsync("system", "df");
        Assert.Matches(@"(?m)^content\s+\d+\s+", table.Stdout);
        Assert.Matches(@"(?m)^snapshots\s+\d+\s+", table.Stdout);
    }

    [Fact]
    public async Task SystemPrune_LeftoversAndImages_RemovesOnlyWhatNothingUses()
    {
        var (blob, snapshot) = PlantPullLeftovers();
        var ingest = Root("content", "ingest", "0123456789abcdef0123456789abcdef");
        await File.WriteAllBytesAsync(ingest, RandomNumberGenerator.GetBytes(20_000));
        var unpack = Directory.CreateDirectory(Root("unpack", "fedcba9876543210fedcba9876543210")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(unpack, "half-a-layer"), RandomNumberGenerator.GetBytes(30_000));
        var orphan = Directory.CreateDirectory(Root("containers", new string('e', 64), "upper")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(orphan, "f"), RandomNumberGenerator.GetBytes(40_000));
        var planted = await DuAsync(blob) + await DuAsync(snapshot) + await DuAsync(ingest) + await DuAsync(unpack) + await DuAsync(Path.GetDirectoryName(orphan)!);

        var dangling = await MinatoAsync("system", "prune", "-o", "json");

        Assert.True(dangling.ExitCode == 0, dangling.ToString());
        using (var json = JsonDocument.Parse(dangling.Stdout))
        {
            Assert.Equal(0, json.RootElement.GetProperty("removedImages").GetArrayLength());
            Assert.Equal(planted, json.RootElement.GetProperty("bytesReclaimed").GetInt64());
        }

        Assert.False(File.Exists(blob));
        Assert.False(Directory.Exists(snapshot));
        Assert.False(File.Exists(ingest));
        Assert.False(Directory.Exists(unpack));
        Assert.False(Directory.Exists(Path.GetDirectoryName(orphan)));
        Assert.Equal(3, (await _daemon.Images.ListImagesAsync(new ListImagesRequest())).Images.Count);

        var recent = await MinatoAsync("system", "prune", "--all", "--filter", "until=24h", "-o", "json");
        using (var json = JsonDocument.Parse(recent.Stdout))
        {
            Assert.Equal(0, json.RootElement.GetProperty("removedImages").GetArrayLength());
        }

        var all = await MinatoAsync("system", "prune", "--all");

        Assert.True(all.ExitCode == 0, all.ToString());
        var left = (await _daemon.Images.ListImagesAsync(new ListImagesRequest())).Images;
        Assert.Equal(2, left.Count);
        Assert.Contains(left, i => i.RepoTags.Contains(_busybox));
        Assert.Contains(left, i => i.RepoTags.Contains(_pinned) && i.Pinned);
        Assert.DoesNotContain(left, i => i.RepoTags.Contains(_spare));
        Assert.Contains("Deleted: sha256:", all.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Total reclaimed space: [1-9][0-9.]* (KiB|MiB)", all.Stdout);

        using var http = new HttpClient();
        var families = PrometheusText.Parse(await http.GetStringAsync($"http://{_metrics}/metrics"));
        Assert.Equal(3, families["minato_gc_runs_total"].Samples.Single(s => s.Has(("trigger", "prune"))).Value);
        Assert.Equal(1, families["minato_gc_runs_total"].Samples.Single(s => s.Has(("trigger", "startup"))).Value);
        Assert.True(families["minato_gc_reclaimed_bytes_total"].Samples.Single(s => s.Has(("trigger", "prune"))).Value > planted);
    }

    // What a pull killed after committing a blob and a snapshot, before recording its image, leaves.
    private (string Blob, string Snapshot) PlantPullLeftovers()
    {
        var bytes = RandomNumberGenerator.GetBytes(50_000);
        var blob = Root("content", "blobs", "sha256", Convert.ToHexStringLower(SHA256.HashData(bytes)));
        File.WriteAllBytes(blob, bytes);
        var snapshot = Directory.CreateDirectory(Root("snapshots", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)))).FullName;
        Directory.CreateDirectory(Path.Combine(snapshot, "usr", "bin"));
        File.WriteAllBytes(Path.Combine(snapshot, "usr", "bin", "tool"), RandomNumberGenerator.GetBytes(70_000));
        return (blob, snapshot);
    }

    private string Root(params string[] parts) => Path.Combine([_daemon.Root, .. parts]);

    private static JsonElement Category(JsonDocument json, string name) =>
        json.RootElement.GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static JsonElement Item(JsonElement category, string id) =>
        category.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == id);

    // du's default: allocated blocks, here in bytes (-B1); -s sums the tree, hard links once.
    private static async Task<long> DuAsync(string path)
    {
        var du = await CommandResult.RunAsync("du", ["-s", "-B1", path], TimeSpan.FromSeconds(60));
        Assert.True(du.ExitCode == 0, du.ToString());
        return long.Parse(du.Stdout.Split('\t')[0], CultureInfo.InvariantCulture);
    }

    private Task<CommandResult> MinatoAsync(params string[] args) =>
        CommandResult.RunAsync(MinatoDaemon.Executable, ["--endpoint", _daemon.Endpoint, .. args], TimeSpan.FromSeconds(120));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
