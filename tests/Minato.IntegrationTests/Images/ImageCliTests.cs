using System.Text.Json;
using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Images;

/// <summary><c>minato pull / images / inspecti / rmi / save / load</c> run as a person would, against a real registry.</summary>
public sealed class ImageCliTests : IAsyncLifetime
{
    private RegistryFixture _registry = null!;
    private MinatoDaemon _daemon = null!;
    private TestImage _image = null!;
    private string _reference = null!;

    public async Task InitializeAsync()
    {
        _image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multilayer);
        _registry = await RegistryFixture.StartAsync(RegistryAuth.Basic);
        _reference = (await _registry.PushAsync(_image, "cli/multilayer:v1")).Reference;
        _daemon = await MinatoDaemon.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _registry.DisposeAsync();
    }

    [Fact]
    public async Task PullImagesInspectRmi_PlainOutput_ShowsLayerProgressAndTheImage()
    {
        var pull = await MinatoAsync("pull", "--creds", _registry.Credentials!.SkopeoCreds, _reference);

        Assert.True(pull.ExitCode == 0, pull.ToString());
        // Intermediate states may be coalesced on a fast pull; every layer's final line is certain.
        foreach (var layer in _image.Manifest().Layers)
        {
            Assert.Contains($"{layer.Digest[7..19]}: done", pull.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains($"Pulled {_reference}: {_image.Manifest().ImageId}", pull.Stdout, StringComparison.Ordinal);
        var ids = await MinatoAsync("images", "-q");
        Assert.Equal(_image.Manifest().ImageId, ids.Stdout.Trim());
        var table = await MinatoAsync("images");
        Assert.Matches(@$"{_registry.Host}/cli/multilayer\s+v1\s+{_image.Manifest().ImageId[7..20]}", table.Stdout);
        using (var json = JsonDocument.Parse((await MinatoAsync("images", "-o", "json")).Stdout))
        {
            Assert.Equal(1, json.RootElement.GetProperty("images").GetArrayLength());
        }

        using (var inspect = JsonDocument.Parse((await MinatoAsync("inspecti", _reference)).Stdout))
        {
            Assert.Equal("app", inspect.RootElement.GetProperty("status").GetProperty("username").GetString());
            Assert.True(inspect.RootElement.GetProperty("info").GetProperty("imageSpec").TryGetProperty("history", out _));
        }

        Assert.Equal(0, (await MinatoAsync("rmi", _reference)).ExitCode);
        Assert.Equal("", (await MinatoAsync("images", "-q")).Stdout.Trim());
    }

    [Fact]
    public async Task SaveThenLoad_OciLayoutTar_RestoresTheImage()
    {
        Assert.Equal(0, (await MinatoAsync("pull", "--creds", _registry.Credentials!.SkopeoCreds, _reference)).ExitCode);
        var archive = Path.Combine(_daemon.Directory, "saved.tar");

        var save = await MinatoAsync("save", "-o", archive, _reference);
        await MinatoAsync("rmi", _reference);
        var load = await MinatoAsync("load", "-i", archive);

        Assert.True(save.ExitCode == 0, save.ToString());
        Assert.True(load.ExitCode == 0, load.ToString());
        Assert.Contains(_reference, load.Stdout, StringComparison.Ordinal);
        Assert.Equal(_image.Manifest().ImageId, (await MinatoAsync("images", "-q", _reference)).Stdout.Trim());
    }

    [Fact]
    public async Task Load_LayoutDirectoryWithTag_NamesTheImage()
    {
        var load = await MinatoAsync("load", "-i", _image.LayoutDirectory, "-t", "example.com/loaded/multilayer");

        Assert.True(load.ExitCode == 0, load.ToString());
        var status = await _daemon.Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = _image.Manifest().ImageId } });
        Assert.Contains($"example.com/loaded/multilayer:{_image.RefName}", status.Image.RepoTags);
    }

    [Fact]
    public async Task Load_NotAnArchive_FailsWithMessage()
    {
        var bogus = Path.Combine(_daemon.Directory, "bogus.tar");
        await File.WriteAllBytesAsync(bogus, new byte[1024]);

        var load = await MinatoAsync("load", "-i", bogus);

        Assert.Equal(1, load.ExitCode);
        Assert.Contains("neither an OCI image layout", load.Stderr, StringComparison.Ordinal);
    }

    private Task<CommandResult> MinatoAsync(params string[] args) =>
        CommandResult.RunAsync(MinatoDaemon.Executable, ["--endpoint", _daemon.Endpoint, .. args], TimeSpan.FromSeconds(60));
}
