using System.Globalization;
using System.Text.Json;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>docker events: a past window shows a pull, a tag and a volume create; a running watcher sees new events.</summary>
public sealed class DockerEventsTests : IAsyncLifetime, IDisposable
{
    private RegistryFixture _registry = null!;
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;
    private TestImage _image = null!;
    private string _reference = null!;

    public async Task InitializeAsync()
    {
        _image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _registry = await RegistryFixture.StartAsync();
        _reference = (await _registry.PushAsync(_image, "events/app:v1")).Reference;
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
    public async Task DockerEvents_PastUntil_ShowsPullTagAndVolumeCreateThenEnds()
    {
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        Assert.Equal(0, (await _docker.RunAsync("pull", _reference)).ExitCode);
        Assert.Equal(0, (await _docker.RunAsync("tag", _reference, "retagged:v2")).ExitCode);
        Assert.Equal(0, (await _docker.RunAsync("volume", "create", "evvol")).ExitCode);
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var result = await _docker.RunAsync("events", "--since", since.ToString(CultureInfo.InvariantCulture),
            "--until", until.ToString(CultureInfo.InvariantCulture), "--format", "{{json .}}");

        Assert.True(result.ExitCode == 0, result.ToString());
        var events = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var pull = Assert.Single(events, e => e.GetProperty("Action").GetString() == "pull");
        Assert.Equal("image", pull.GetProperty("Type").GetString());
        Assert.Equal(_reference, pull.GetProperty("Actor").GetProperty("ID").GetString());
        Assert.Equal("pull", pull.GetProperty("status").GetString());
        var tag = Assert.Single(events, e => e.GetProperty("Action").GetString() == "tag");
        Assert.Equal(_image.Manifest().ImageId, tag.GetProperty("Actor").GetProperty("ID").GetString());
        Assert.Equal("retagged:v2", tag.GetProperty("Actor").GetProperty("Attributes").GetProperty("name").GetString());
        var volume = Assert.Single(events, e => e.GetProperty("Type").GetString() == "volume");
        Assert.Equal("create", volume.GetProperty("Action").GetString());
        Assert.Equal("evvol", volume.GetProperty("Actor").GetProperty("ID").GetString());
        Assert.Equal("local", volume.GetProperty("Actor").GetProperty("Attributes").GetProperty("driver").GetString());
        Assert.Equal("local", volume.GetProperty("scope").GetString());
        Assert.True(volume.GetProperty("timeNano").GetInt64() / 1_000_000_000 == volume.GetProperty("time").GetInt64());
    }

    [Fact]
    public async Task DockerEvents_Streaming_ReceivesAVolumeCreatedWhileItRuns()
    {
        using var watcher = BackgroundProcess.Start(DockerClient.CliPath, "--host", _daemon.DockerHost, "--config", _docker.ConfigDirectory,
            "events", "--filter", "type=volume", "--format", "{{.Type}} {{.Action}} {{.Actor.ID}}");
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(0, (await _docker.RunAsync("volume", "create", "live1")).ExitCode);
        var line = await watcher.WaitForLineAsync("live1", TimeSpan.FromSeconds(20));

        Assert.Equal("volume create live1", line.Trim());
    }

    [Fact]
    public async Task Events_ImageFilter_LeavesOutOtherTypes()
    {
        Assert.Equal(0, (await _docker.RunAsync("volume", "create", "other")).ExitCode);
        Assert.Equal(0, (await _docker.RunAsync("pull", _reference)).ExitCode);
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
        await Task.Delay(TimeSpan.FromSeconds(1.1));

        var (status, body, _) = await _docker.SendAsync(HttpMethod.Get,
            $"v1.45/events?since=0&until={until}&filters=" + Uri.EscapeDataString("""{"type":["image"]}"""));

        Assert.Equal(200, status);
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Equal("image", JsonDocument.Parse(l).RootElement.GetProperty("Type").GetString()));
    }
}
