using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Minato.Cri.Api.V1;
using Minato.Engine.Linux;
using Minato.Testing;

namespace Minato.IntegrationTests.Images;

/// <summary>The daemon's root on a small tmpfs: a pull that does not fit fails cleanly, with or without a reserve.</summary>
/// <remarks>The image is busybox plus two layers of 64 MiB each that gzip halves: about 65 MiB of blobs, 130 MiB unpacked.</remarks>
public sealed class PullDiskFullTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("minato-it-diskfull-").FullName;
    private TestImage _image = null!;
    private bool _mounted;

    private string Root => Path.Combine(_home, "root");

    public async Task InitializeAsync()
    {
        _image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Large(128L << 20, layers: 2));
    }

    public async Task DisposeAsync()
    {
        if (_mounted)
        {
            await CommandResult.RunAsync("umount", ["-l", Root], TimeSpan.FromSeconds(30));
        }

        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task PullImage_DiskFillsWithoutReserve_ResourceExhaustedNothingKeptAndRetryAfterGrowingSucceeds()
    {
        await using var registry = new MisbehavingRegistry(_image);
        await MountRootAsync("120m");
        await using var daemon = await StartAsync("min_free_space = 0\n");

        var error = await Assert.ThrowsAsync<RpcException>(async () => await PullAsync(daemon, registry));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains($"no space left on {Root} (tmpfs on ", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("the image needs more space than that", error.Status.Detail, StringComparison.Ordinal);
        await AssertNothingKeptAsync(daemon);
        AssertDatabaseIntact();

        await ResizeRootAsync("400m");
        var pulled = await PullAsync(daemon, registry);

        Assert.Equal(_image.Manifest().ImageId, pulled.ImageRef);
        Assert.Single((await daemon.Images.ListImagesAsync(new ListImagesRequest())).Images);
    }

    [Fact]
    public async Task PullImage_ReserveWouldBeCrossed_RefusedWhileTheDiskStillHasIt()
    {
        await using var registry = new MisbehavingRegistry(_image);
        await MountRootAsync("120m");
        await using var daemon = await StartAsync("min_free_space = \"32MiB\"\n");
        using var sampling = new CancellationTokenSource();
        var lowest = Task.Run(async () =>
        {
            var least = long.MaxValue;
            while (!sampling.IsCancellationRequested)
            {
                least = Math.Min(least, FileSystemSpace.AvailableOf(Root));
                await Task.Delay(5, CancellationToken.None);
            }

            return least;
        });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await PullAsync(daemon, registry));
        await sampling.CancelAsync();

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains($"the free space on {Root} (tmpfs on ", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("below the 32 MiB min_free_space reserve", error.Status.Detail, StringComparison.Ordinal);
        Assert.InRange(await lowest, 16L << 20, long.MaxValue);
        await AssertNothingKeptAsync(daemon);
    }

    [Fact]
    public async Task PullImage_CompressedLayersCannotFit_RefusedBeforeAnyLayerIsFetched()
    {
        await using var registry = new MisbehavingRegistry(_image);
        await MountRootAsync("48m");
        await using var daemon = await StartAsync("min_free_space = \"8MiB\"\n");

        var error = await Assert.ThrowsAsync<RpcException>(async () => await PullAsync(daemon, registry));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Matches($@"not enough free space on {Regex.Escape(Root)} \(tmpfs on \S+\) for the compressed layers of image sha256:[0-9a-f]+: it needs \d+ MiB plus the 8 MiB min_free_space reserve, 4\d MiB is available",
            error.Status.Detail);
        Assert.DoesNotContain(registry.Requests, r => _image.Manifest().Layers.Any(l => r.Path.EndsWith(l.Digest, StringComparison.Ordinal)));
        await AssertNothingKeptAsync(daemon);
    }

    private static Task<PullImageResponse> PullAsync(MinatoDaemon daemon, MisbehavingRegistry registry) =>
        daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = $"{registry.Host}/x/large:1" } }, deadline: DateTime.UtcNow.AddMinutes(2)).ResponseAsync;

    private async Task MountRootAsync(string size)
    {
        Directory.CreateDirectory(Root);
        var mount = await CommandResult.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={size},mode=0700", "minato-it-small", Root], TimeSpan.FromSeconds(30));
        Assert.True(mount.ExitCode == 0, mount.Stderr);
        _mounted = true;
    }

    private async Task ResizeRootAsync(string size)
    {
        var remount = await CommandResult.RunAsync("mount", ["-o", $"remount,size={size}", Root], TimeSpan.FromSeconds(30));
        Assert.True(remount.ExitCode == 0, remount.Stderr);
    }

    private async Task<MinatoDaemon> StartAsync(string toml)
    {
        var config = Path.Combine(_home, "minato.toml");
        await File.WriteAllTextAsync(config, toml);
        return await MinatoDaemon.StartInAsync(_home, "--config", config);
    }

    private static async Task AssertNothingKeptAsync(MinatoDaemon daemon)
    {
        Assert.Empty((await daemon.Images.ListImagesAsync(new ListImagesRequest())).Images);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(daemon.Root, "snapshots")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(daemon.Root, "unpack")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(daemon.Root, "content", "ingest")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(daemon.Root, "content", "blobs"), "*", SearchOption.AllDirectories));
    }

    private void AssertDatabaseIntact()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Root, "minato.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", check.ExecuteScalar() as string);
    }
}
