using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>docker save and docker load: round trips through the real CLI, and hostile archives refused.</summary>
public sealed class DockerSaveLoadTests : IAsyncLifetime, IDisposable
{
    private RegistryFixture _registry = null!;
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;
    private TestImage _first = null!;
    private TestImage _second = null!;
    private string _firstRef = null!;
    private string _secondRef = null!;

    public async Task InitializeAsync()
    {
        _first = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _second = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multilayer);
        _registry = await RegistryFixture.StartAsync();
        _firstRef = (await _registry.PushAsync(_first, "save/one:v1")).Reference;
        _secondRef = (await _registry.PushAsync(_second, "save/two:v1")).Reference;
        _daemon = await MinatoDaemon.StartWithDockerApiAsync();
        _docker = new DockerClient(_daemon);
        Assert.Equal(0, (await _docker.RunAsync("pull", _firstRef)).ExitCode);
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _registry.DisposeAsync();
    }

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task DockerSaveThenLoad_ImageRemovedBetween_ComesBackWithItsTag()
    {
        var archive = Path.Combine(_daemon.Directory, "one.tar");
        var save = await _docker.RunAsync("save", "-o", archive, _firstRef);
        Assert.True(save.ExitCode == 0, save.ToString());
        Assert.Equal(0, (await _docker.RunAsync("rmi", _firstRef)).ExitCode);
        Assert.Equal("", (await _docker.RunAsync("images", "-q")).Stdout.Trim());

        var load = await _docker.RunAsync("load", "-i", archive);

        Assert.True(load.ExitCode == 0, load.ToString());
        Assert.Contains($"Loaded image: {_firstRef}", load.Stdout, StringComparison.Ordinal);
        var inspect = await _docker.RunAsync("image", "inspect", "--format", "{{.Id}}", _firstRef);
        Assert.Equal(_first.Manifest().ImageId, inspect.Stdout.Trim());
    }

    [Fact]
    public async Task DockerSave_TwoImages_ArchiveHasDockerAndOciIndexes()
    {
        Assert.Equal(0, (await _docker.RunAsync("pull", _secondRef)).ExitCode);
        var archive = Path.Combine(_daemon.Directory, "both.tar");

        var save = await _docker.RunAsync("save", "-o", archive, _firstRef, _secondRef);

        Assert.True(save.ExitCode == 0, save.ToString());
        var files = ReadTar(archive);
        Assert.Contains("oci-layout", files.Keys);
        Assert.Contains("index.json", files.Keys);
        var manifest = JsonNode.Parse(files["manifest.json"])!.AsArray();
        Assert.Equal(2, manifest.Count);
        Assert.All(manifest, e => Assert.Contains(e!["Config"]!.GetValue<string>(), files.Keys));
        Assert.All(manifest.SelectMany(e => e!["Layers"]!.AsArray()), l => Assert.Contains(l!.GetValue<string>(), files.Keys));
        Assert.Contains(manifest, e => e!["RepoTags"]![0]!.GetValue<string>() == _secondRef);
    }

    [Fact]
    public async Task Load_TamperedLayer_400AndNoImage()
    {
        var files = await SaveAndRemoveAsync();
        var layer = JsonNode.Parse(files["manifest.json"])![0]!["Layers"]![0]!.GetValue<string>();
        files[layer] = [.. files[layer].Take(files[layer].Length - 1), (byte)(files[layer][^1] ^ 0xff)];

        var (status, body) = await LoadAsync(files);

        Assert.Equal(400, status);
        Assert.Contains("invalid image archive", body, StringComparison.Ordinal);
        Assert.Equal("", (await _docker.RunAsync("images", "-q")).Stdout.Trim());
    }

    [Fact]
    public async Task Load_ManifestPathLeavingTheArchive_400AndNoImage()
    {
        var files = await SaveAndRemoveAsync();
        files.Remove("index.json");
        var manifest = JsonNode.Parse(files["manifest.json"])!;
        manifest[0]!["Layers"]![0] = "../../../etc/passwd";
        files["manifest.json"] = Encoding.UTF8.GetBytes(manifest.ToJsonString());

        var (status, body) = await LoadAsync(files);

        Assert.Equal(400, status);
        Assert.Contains("../../../etc/passwd", body, StringComparison.Ordinal);
        Assert.Equal("", (await _docker.RunAsync("images", "-q")).Stdout.Trim());
    }

    [Fact]
    public async Task Load_EntryNameWithDotDot_400()
    {
        var files = new Dictionary<string, byte[]> { ["../escape"] = "x"u8.ToArray() };

        var (status, body) = await LoadAsync(files);

        Assert.Equal(400, status);
        Assert.Contains("leaves the archive", body, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_daemon.Root, "escape")));
    }

    private async Task<Dictionary<string, byte[]>> SaveAndRemoveAsync()
    {
        var (status, _, response) = await _docker.SendAsync(HttpMethod.Get, "v1.45/images/get?names=" + Uri.EscapeDataString(_firstRef));
        Assert.Equal(200, status);
        var path = Path.Combine(_daemon.Directory, $"saved-{Guid.NewGuid():N}.tar");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(0, (await _docker.RunAsync("rmi", _firstRef)).ExitCode);
        return ReadTar(path);
    }

    private async Task<(int Status, string Body)> LoadAsync(Dictionary<string, byte[]> files)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, data) in files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            }
        }

        var (status, body, _) = await _docker.SendAsync(HttpMethod.Post, "v1.45/images/load?quiet=1", new ByteArrayContent(tar.ToArray()));
        return (status, body);
    }

    private static Dictionary<string, byte[]> ReadTar(string path)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(File.OpenRead(path));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is { } data)
            {
                using var copy = new MemoryStream();
                data.CopyTo(copy);
                files[entry.Name] = copy.ToArray();
            }
        }

        return files;
    }
}
