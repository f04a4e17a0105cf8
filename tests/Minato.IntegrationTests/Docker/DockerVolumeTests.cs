using System.Text.Json;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>docker volume create/ls/inspect/rm/prune through the real CLI, and the errors dockerd gives.</summary>
public sealed class DockerVolumeTests : IAsyncLifetime, IDisposable
{
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;

    public async Task InitializeAsync()
    {
        _daemon = await MinatoDaemon.StartWithDockerApiAsync();
        _docker = new DockerClient(_daemon);
    }

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task DockerVolumeCreate_WithLabels_InspectShowsThemUnderTheRoot()
    {
        var create = await _docker.RunAsync("volume", "create", "--label", "app=web", "--label", "tier", "webdata");
        var inspect = await _docker.RunAsync("volume", "inspect", "webdata");

        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Equal("webdata", create.Stdout.Trim());
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        using var json = JsonDocument.Parse(inspect.Stdout);
        var volume = json.RootElement[0];
        Assert.Equal("local", volume.GetProperty("Driver").GetString());
        Assert.Equal("local", volume.GetProperty("Scope").GetString());
        Assert.Equal(Path.Combine(_daemon.Root, "volumes", "webdata", "_data"), volume.GetProperty("Mountpoint").GetString());
        Assert.True(Directory.Exists(volume.GetProperty("Mountpoint").GetString()));
        Assert.Equal("web", volume.GetProperty("Labels").GetProperty("app").GetString());
        Assert.Equal("", volume.GetProperty("Labels").GetProperty("tier").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", volume.GetProperty("CreatedAt").GetString()!);
    }

    [Fact]
    public async Task DockerVolumeLs_Filters_ListOnlyMatchingVolumes()
    {
        await _docker.RunAsync("volume", "create", "--label", "app=web", "web1");
        await _docker.RunAsync("volume", "create", "--label", "app=db", "db1");

        var byLabel = await _docker.RunAsync("volume", "ls", "-q", "--filter", "label=app=web");
        var byName = await _docker.RunAsync("volume", "ls", "-q", "--filter", "name=db");
        var all = await _docker.RunAsync("volume", "ls", "--format", "{{.Driver}} {{.Name}}");

        Assert.True(byLabel.ExitCode == 0, byLabel.ToString());
        Assert.Equal("web1", byLabel.Stdout.Trim());
        Assert.Equal("db1", byName.Stdout.Trim());
        Assert.Equal(["local db1", "local web1"], all.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DockerVolumeCreate_SameNameTwice_Succeeds()
    {
        Assert.Equal(0, (await _docker.RunAsync("volume", "create", "twice")).ExitCode);

        var again = await _docker.RunAsync("volume", "create", "twice");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal("twice", (await _docker.RunAsync("volume", "ls", "-q")).Stdout.Trim());
    }

    [Fact]
    public async Task DockerVolumeCreate_TraversalName_RefusedWith400AndNothingMade()
    {
        var cli = await _docker.RunAsync("volume", "create", "..");
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Post, "v1.45/volumes/create", DockerClient.Json("""{"Name":"../../etc"}"""));

        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("includes invalid characters for a local volume name", cli.Stderr, StringComparison.Ordinal);
        Assert.Equal(400, status);
        Assert.Contains("includes invalid characters", body, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_daemon.Root, "volumes")));
    }

    [Fact]
    public async Task DockerVolumeCreate_DriverOption_RefusedWithMessage()
    {
        var result = await _docker.RunAsync("volume", "create", "--opt", "type=tmpfs", "tmp1");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("driver option \"type\" is not supported", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DockerVolumeRm_Unknown_NoSuchVolume404()
    {
        var cli = await _docker.RunAsync("volume", "rm", "missing");
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Get, "v1.45/volumes/missing");

        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("no such volume", cli.Stderr, StringComparison.Ordinal);
        Assert.Equal(404, status);
        Assert.Contains("get missing: no such volume", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DockerVolumeRm_Existing_RemovesDirectory()
    {
        await _docker.RunAsync("volume", "create", "gone");

        var result = await _docker.RunAsync("volume", "rm", "gone");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(Directory.Exists(Path.Combine(_daemon.Root, "volumes", "gone")));
        Assert.Equal("", (await _docker.RunAsync("volume", "ls", "-q")).Stdout.Trim());
    }

    [Fact]
    public async Task DockerVolumePrune_Default_RemovesOnlyAnonymousVolumes()
    {
        await _docker.RunAsync("volume", "create", "named");
        var (_, anonymous, _) = await _docker.SendAsync(HttpMethod.Post, "v1.45/volumes/create", DockerClient.Json("{}"));
        var anonymousName = JsonDocument.Parse(anonymous).RootElement.GetProperty("Name").GetString()!;

        var prune = await _docker.RunAsync("volume", "prune", "-f");
        var left = await _docker.RunAsync("volume", "ls", "-q");
        var pruneAll = await _docker.RunAsync("volume", "prune", "-f", "--all");

        Assert.Matches("^[0-9a-f]{64}$", anonymousName);
        Assert.True(prune.ExitCode == 0, prune.ToString());
        Assert.Contains(anonymousName, prune.Stdout, StringComparison.Ordinal);
        Assert.Equal("named", left.Stdout.Trim());
        Assert.Contains("named", pruneAll.Stdout, StringComparison.Ordinal);
        Assert.Equal("", (await _docker.RunAsync("volume", "ls", "-q")).Stdout.Trim());
    }

    [Fact]
    public async Task SystemDf_Volume_SizeCounted()
    {
        var (_, created, _) = await _docker.SendAsync(HttpMethod.Post, "v1.45/volumes/create", DockerClient.Json("""{"Name":"sized"}"""));
        var mountpoint = JsonDocument.Parse(created).RootElement.GetProperty("Mountpoint").GetString()!;
        await File.WriteAllBytesAsync(Path.Combine(mountpoint, "blob"), new byte[4096]);

        var (status, body, _) = await _docker.SendAsync(HttpMethod.Get, "v1.45/system/df");
        var cli = await _docker.RunAsync("system", "df", "--format", "{{.Type}} {{.TotalCount}}");

        Assert.Equal(200, status);
        var volume = JsonDocument.Parse(body).RootElement.GetProperty("Volumes")[0];
        Assert.Equal("sized", volume.GetProperty("Name").GetString());
        Assert.Equal(4096, volume.GetProperty("UsageData").GetProperty("Size").GetInt64());
        Assert.Equal(0, volume.GetProperty("UsageData").GetProperty("RefCount").GetInt64());
        Assert.Contains("Local Volumes 1", cli.Stdout, StringComparison.Ordinal);
    }
}
