using System.Text.Json;
using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary><c>docker info</c> and <c>docker system df</c> against an engine holding an image pulled through the CRI.</summary>
public sealed class DockerSystemTests : IAsyncLifetime, IDisposable
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
        _reference = (await _registry.PushAsync(_image, "system/multilayer:v1")).Reference;
        _daemon = await MinatoDaemon.StartWithDockerApiAsync();
        _docker = new DockerClient(_daemon);
        await _daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = _reference } });
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _registry.DisposeAsync();
    }

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task DockerInfo_RealCli_ShowsTheEngineFigures()
    {
        var result = await _docker.RunAsync("info");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"Images: 1\b", result.Stdout);
        Assert.Matches(@"Containers: 0\b", result.Stdout);
        Assert.Contains("Storage Driver: overlay2", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Cgroup Driver: cgroupfs", result.Stdout);
        Assert.Matches(@"Cgroup Version: [12]", result.Stdout);
        Assert.Contains($"CPUs: {Environment.ProcessorCount}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Docker Root Dir: {_daemon.Root}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("runc", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_Json_CountsMatchTheEngineAndKernelIsReal()
    {
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Get, "v1.45/info");

        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(1, json.RootElement.GetProperty("Images").GetInt32());
        Assert.Equal((await File.ReadAllTextAsync("/proc/sys/kernel/osrelease")).Trim(), json.RootElement.GetProperty("KernelVersion").GetString());
        Assert.True(json.RootElement.GetProperty("MemTotal").GetInt64() > 0);
    }

    [Fact]
    public async Task DockerSystemDf_RealCli_ShowsTheImageAndItsSize()
    {
        var result = await _docker.RunAsync("system", "df", "--format", "{{.Type}} {{.TotalCount}} {{.Active}}");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Images 1 0", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Containers 0 0", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SystemDf_Json_LayersSizeIsTheSnapshotBytes()
    {
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Get, "v1.45/system/df");

        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(body);
        var image = json.RootElement.GetProperty("Images")[0];
        Assert.Equal(_image.Manifest().ImageId, image.GetProperty("Id").GetString());
        Assert.True(json.RootElement.GetProperty("LayersSize").GetInt64() > 0);
        Assert.Equal(json.RootElement.GetProperty("LayersSize").GetInt64(), image.GetProperty("Size").GetInt64());
        Assert.Equal(0, image.GetProperty("Containers").GetInt64());
    }
}
