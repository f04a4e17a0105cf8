using System.Text.Json;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>docker image prune: dangling images go, tagged ones stay unless <c>-a</c>.</summary>
public sealed class DockerImagePruneTests : IAsyncLifetime, IDisposable
{
    private RegistryFixture _registry = null!;
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;
    private TestImage _first = null!;
    private TestImage _second = null!;
    private string _reference = null!;

    public async Task InitializeAsync()
    {
        _first = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _second = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multilayer);
        _registry = await RegistryFixture.StartAsync();
        _daemon = await MinatoDaemon.StartWithDockerApiAsync();
        _docker = new DockerClient(_daemon);
        _reference = (await _registry.PushAsync(_first, "prune/app:v1")).Reference;
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _registry.DisposeAsync();
    }

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task DockerImagePrune_TagMovedToANewImage_RemovesOnlyTheDanglingOne()
    {
        Assert.Equal(0, (await _docker.RunAsync("pull", _reference)).ExitCode);
        await _registry.PushAsync(_second, "prune/app:v1");
        Assert.Equal(0, (await _docker.RunAsync("pull", _reference)).ExitCode);
        var dangling = await _docker.RunAsync("images", "--filter", "dangling=true", "-q");

        var prune = await _docker.RunAsync("image", "prune", "-f");

        Assert.Equal(_first.Manifest().ImageId[7..19], dangling.Stdout.Trim());
        Assert.True(prune.ExitCode == 0, prune.ToString());
        Assert.Contains($"deleted: {_first.Manifest().ImageId}", prune.Stdout, StringComparison.Ordinal);
        // Multilayer stacks busybox's layer, so only the old image's own blobs come back: bytes, not megabytes.
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(prune.Stdout, @"Total reclaimed space: [1-9][\d.]*B"), prune.Stdout);
        Assert.Equal(_second.Manifest().ImageId[7..19], (await _docker.RunAsync("images", "-q")).Stdout.Trim());
    }

    [Fact]
    public async Task PruneAll_UnusedTaggedImage_Removed()
    {
        Assert.Equal(0, (await _docker.RunAsync("pull", _reference)).ExitCode);

        var (status, body, _) = await _docker.SendAsync(HttpMethod.Post, "v1.45/images/prune?filters=" + Uri.EscapeDataString("""{"dangling":["false"]}"""), null);

        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(body);
        Assert.Contains(json.RootElement.GetProperty("ImagesDeleted").EnumerateArray(), d => d.TryGetProperty("Deleted", out var id) && id.GetString() == _first.Manifest().ImageId);
        Assert.True(json.RootElement.GetProperty("SpaceReclaimed").GetInt64() > 0);
        Assert.Equal("", (await _docker.RunAsync("images", "-q")).Stdout.Trim());
    }
}
