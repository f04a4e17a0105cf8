using System.Text.Json;
using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>docker pull / images / image inspect / history / tag / rmi with the real docker CLI, on the store the CRI shares.</summary>
public sealed class DockerImageTests : IAsyncLifetime, IDisposable
{
    private RegistryFixture _registry = null!;
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;
    private TestImage _image = null!;
    private string _reference = null!;

    public async Task InitializeAsync()
    {
        _image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multilayer);
        _registry = await RegistryFixture.StartAsync();
        _reference = (await _registry.PushAsync(_image, "docker/multilayer:v1")).Reference;
        _daemon = await MinatoDaemon.StartWithDockerApiAsync();
        _docker = new DockerClient(_daemon);
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _registry.DisposeAsync();
    }

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task DockerPull_RealCli_StreamsLayerProgressDigestAndStatus()
    {
        var pull = await _docker.RunAsync("pull", _reference);
        var again = await _docker.RunAsync("pull", _reference);

        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.Contains("v1: Pulling from docker/multilayer", pull.Stdout, StringComparison.Ordinal);
        foreach (var layer in _image.Manifest().Layers)
        {
            Assert.Contains($"{layer.Digest[7..19]}: Pull complete", pull.Stdout, StringComparison.Ordinal);
            Assert.Contains($"{layer.Digest[7..19]}: Already exists", again.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains($"Digest: {_image.Digest}", pull.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Status: Downloaded newer image for {_reference}", pull.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Status: Image is up to date for {_reference}", again.Stdout, StringComparison.Ordinal);
        var status = await _daemon.Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = _reference } });
        Assert.Equal(_image.Manifest().ImageId, status.Image.Id);
    }

    [Fact]
    public async Task CreateImage_RawStream_JsonLinesEndWithDigestAndStatus()
    {
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Post, $"v1.45/images/create?fromImage={_registry.Host}/docker/multilayer&tag=v1");

        Assert.Equal(200, status);
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(lines, l => Assert.False(l.TryGetProperty("error", out _)));
        Assert.Equal($"Digest: {_image.Digest}", lines[^2].GetProperty("status").GetString());
        Assert.StartsWith("Status: Downloaded newer image for", lines[^1].GetProperty("status").GetString(), StringComparison.Ordinal);
        Assert.Contains(lines, l => l.TryGetProperty("progressDetail", out var d) && d.TryGetProperty("total", out _) ||
            l.GetProperty("status").GetString() == "Pull complete");
    }

    [Fact]
    public async Task DockerPull_NoSuchTag_FailsWithTheRegistryMessage()
    {
        var pull = await _docker.RunAsync("pull", $"{_registry.Host}/docker/multilayer:nope");
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Post, $"v1.45/images/create?fromImage={_registry.Host}/docker/multilayer&tag=nope");

        Assert.NotEqual(0, pull.ExitCode);
        Assert.Contains("Error response from daemon", pull.Stderr, StringComparison.Ordinal);
        Assert.Equal(404, status);
        Assert.True(JsonDocument.Parse(body).RootElement.TryGetProperty("message", out _));
    }

    [Fact]
    public async Task DockerImages_DigestsAndFilters_ShowTheImageAsDockerNamesIt()
    {
        Assert.Equal(0, (await _docker.RunAsync("pull", _reference)).ExitCode);

        var table = await _docker.RunAsync("images", "--digests", "--format", "{{.Repository}}:{{.Tag}} {{.Digest}} {{.ID}}");
        var matching = await _docker.RunAsync("images", "--filter", "reference=*/docker/multi*", "-q");
        var other = await _docker.RunAsync("images", "--filter", "reference=busybox", "-q");
        var dangling = await _docker.RunAsync("images", "--filter", "dangling=true", "-q");
        var badFilter = await _docker.RunAsync("images", "--filter", "colour=red");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Equal($"{_reference} {_image.Digest} {_image.Manifest().ImageId[7..19]}", table.Stdout.Trim());
        Assert.Equal(_image.Manifest().ImageId[7..19], matching.Stdout.Trim());
        Assert.Equal("", other.Stdout.Trim());
        Assert.Equal("", dangling.Stdout.Trim());
        Assert.Contains("invalid filter 'colour'", badFilter.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DockerImageInspectAndHistory_ShowConfigLayersAndTags()
    {
        await _daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = _reference } });

        var inspect = await _docker.RunAsync("image", "inspect", _reference);
        var history = await _docker.RunAsync("history", "-q", _reference);

        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        using var json = JsonDocument.Parse(inspect.Stdout);
        var image = json.RootElement[0];
        Assert.Equal(_image.Manifest().ImageId, image.GetProperty("Id").GetString());
        Assert.Equal([_reference], image.GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString()!));
        Assert.Equal(_image.Manifest().Layers.Count, image.GetProperty("RootFS").GetProperty("Layers").GetArrayLength());
        Assert.StartsWith("app", image.GetProperty("Config").GetProperty("User").GetString(), StringComparison.Ordinal);
        Assert.Equal("overlay2", image.GetProperty("GraphDriver").GetProperty("Name").GetString());
        Assert.StartsWith(_image.Manifest().ImageId[7..19], history.Stdout.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DockerTagThenRmi_UntagsOnlyThatNameThenDeletes()
    {
        Assert.Equal(0, (await _docker.RunAsync("pull", _reference)).ExitCode);

        var tag = await _docker.RunAsync("tag", _reference, "example.com/team/app:v2");
        var byCri = await _daemon.Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = "example.com/team/app:v2" } });
        var untag = await _docker.RunAsync("rmi", "example.com/team/app:v2");
        var remove = await _docker.RunAsync("rmi", _reference);

        Assert.True(tag.ExitCode == 0, tag.ToString());
        Assert.Equal(_image.Manifest().ImageId, byCri.Image.Id);
        Assert.Equal("Untagged: example.com/team/app:v2", untag.Stdout.Trim());
        Assert.Contains($"Untagged: {_reference}", remove.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Deleted: {_image.Manifest().ImageId}", remove.Stdout, StringComparison.Ordinal);
        Assert.Equal("", (await _docker.RunAsync("images", "-q")).Stdout.Trim());
    }

    [Fact]
    public async Task RmiById_TaggedInTwoRepositories_ConflictUnlessForced()
    {
        Assert.Equal(0, (await _docker.RunAsync("pull", _reference)).ExitCode);
        Assert.Equal(0, (await _docker.RunAsync("tag", _reference, "other:v1")).ExitCode);

        var refused = await _docker.RunAsync("rmi", _image.Manifest().ImageId[7..19]);
        var forced = await _docker.RunAsync("rmi", "-f", _image.Manifest().ImageId[7..19]);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("(must be forced) - image is referenced in multiple repositories", refused.Stderr, StringComparison.Ordinal);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("Untagged: other:v1", forced.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Deleted: {_image.Manifest().ImageId}", forced.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_UnknownImage_404Json()
    {
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Get, "v1.45/images/no/such:image/json");
        var cli = await _docker.RunAsync("image", "inspect", "no/such:image");

        Assert.Equal(404, status);
        Assert.Equal("No such image: no/such:image", JsonDocument.Parse(body).RootElement.GetProperty("message").GetString());
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("No such image: no/such:image", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListImages_Api143_IncludesVirtualSizeWhich144Dropped()
    {
        await _daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = _reference } });

        var (_, old, _) = await _docker.SendAsync(HttpMethod.Get, "v1.43/images/json");
        var (_, current, _) = await _docker.SendAsync(HttpMethod.Get, "v1.45/images/json");

        Assert.True(JsonDocument.Parse(old).RootElement[0].TryGetProperty("VirtualSize", out _));
        Assert.False(JsonDocument.Parse(current).RootElement[0].TryGetProperty("VirtualSize", out _));
    }
}
