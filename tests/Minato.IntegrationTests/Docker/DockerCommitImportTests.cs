using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>docker commit, docker export and docker import with the real CLI; the results run at once.</summary>
public sealed class DockerCommitImportTests : IAsyncLifetime, IDisposable
{
    private RegistryFixture _registry = null!;
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;
    private string _image = null!;

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _registry = await RegistryFixture.StartAsync();
        _image = (await _registry.PushAsync(image, "lib/busybox:v1")).Reference;
        _daemon = await MinatoDaemon.StartWithDockerApiAsync();
        _docker = new DockerClient(_daemon);
        var pull = await _docker.RunAsync("pull", _image);
        Assert.True(pull.ExitCode == 0, pull.ToString());
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _registry.DisposeAsync();
    }

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task DockerCommit_ChangesAndDeletedFile_NewImageRunsWithCmdEnvAndWhiteout()
    {
        var first = await _docker.RunAsync("run", "--name", "src", "--network", "none", _image, "sh", "-c", "echo committed > /marker; rm /etc/group");
        Assert.True(first.ExitCode == 0, first.ToString());

        var commit = await _docker.RunAsync("commit", "-c", "CMD [\"cat\", \"/marker\"]", "-c", "ENV FOO=bar", "-m", "my change", "src", "committed/app:v1");
        var run = await _docker.RunAsync("run", "--rm", "--network", "none", "committed/app:v1");
        var check = await _docker.RunAsync("run", "--rm", "--network", "none", "committed/app:v1", "sh", "-c", "echo $FOO; test -e /etc/group || echo gone");
        var history = await _docker.RunAsync("history", "--no-trunc", "--format", "{{.Comment}}", "committed/app:v1");

        Assert.True(commit.ExitCode == 0, commit.ToString());
        Assert.StartsWith("sha256:", commit.Stdout.Trim(), StringComparison.Ordinal);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("committed", run.Stdout.Trim());
        Assert.Equal("bar\ngone", check.Stdout.Trim());
        Assert.Contains("my change", history.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DockerCommit_RunningContainer_PausedForTheLayerThenRunningAgain()
    {
        var start = await _docker.RunAsync("run", "-d", "--name", "live", "--network", "none", _image, "sh", "-c", "echo live > /state; sleep 300");
        Assert.True(start.ExitCode == 0, start.ToString());

        var commit = await _docker.RunAsync("commit", "live", "committed/live:v1");
        var state = await _docker.RunAsync("inspect", "-f", "{{.State.Running}} {{.State.Paused}}", "live");
        var run = await _docker.RunAsync("run", "--rm", "--network", "none", "committed/live:v1", "cat", "/state");
        await _docker.RunAsync("rm", "-f", "live");

        Assert.True(commit.ExitCode == 0, commit.ToString());
        Assert.Equal("true false", state.Stdout.Trim());
        Assert.Equal("live", run.Stdout.Trim());
    }

    [Fact]
    public async Task DockerCommit_UnknownChange_FailsNamingItAndRecordsNothing()
    {
        Assert.Equal(0, (await _docker.RunAsync("create", "--name", "idle", "--network", "none", _image, "true")).ExitCode);
        var before = (await _docker.RunAsync("images", "-q")).Stdout;

        var commit = await _docker.RunAsync("commit", "-c", "RUN echo no", "idle", "committed/bad:v1");

        Assert.NotEqual(0, commit.ExitCode);
        Assert.Contains("run is not a valid change command", commit.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, (await _docker.RunAsync("images", "-q")).Stdout);
    }

    [Fact]
    public async Task DockerExportThenImport_GzipAndPlain_ImportedImageRunsWithChangesAndMessage()
    {
        Assert.Equal(0, (await _docker.RunAsync("run", "--name", "exp", "--network", "none", _image, "sh", "-c", "echo exported > /marker")).ExitCode);
        var tar = Path.Combine(_daemon.Directory, "rootfs.tar");
        var gz = tar + ".gz";
        var export = await _docker.RunAsync("export", "-o", tar, "exp");
        Assert.True(export.ExitCode == 0, export.ToString());
        await using (var input = File.OpenRead(tar))
        await using (var output = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
        {
            await input.CopyToAsync(output);
        }

        var plain = await _docker.RunAsync("import", "-c", "CMD [\"cat\", \"/marker\"]", "-m", "from a tarball", tar, "imported/plain:v1");
        var zipped = await _docker.RunAsync("import", "-c", "ENTRYPOINT [\"cat\"]", "-c", "CMD [\"/marker\"]", gz, "imported/gzip:v1");
        var runPlain = await _docker.RunAsync("run", "--rm", "--network", "none", "imported/plain:v1");
        var runZipped = await _docker.RunAsync("run", "--rm", "--network", "none", "imported/gzip:v1");
        var history = await _docker.RunAsync("history", "--format", "{{.Comment}}", "imported/plain:v1");

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.StartsWith("sha256:", plain.Stdout.Trim(), StringComparison.Ordinal);
        Assert.True(zipped.ExitCode == 0, zipped.ToString());
        Assert.Equal("exported", runPlain.Stdout.Trim());
        Assert.Equal("exported", runZipped.Stdout.Trim());
        Assert.Contains("from a tarball", history.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportRoute_TarEscapingTheRoot_400AndNoImage()
    {
        using var body = new MemoryStream();
        await using (var writer = new TarWriter(body, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "../../escaped-by-import") { DataStream = new MemoryStream("x"u8.ToArray()) };
            await writer.WriteEntryAsync(entry);
        }

        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        var (status, text, _) = await _docker.SendAsync(HttpMethod.Post, "v1.45/images/create?fromSrc=-&repo=hostile/app&tag=v1", content);
        var images = await _docker.RunAsync("images", "--format", "{{.Repository}}");

        Assert.Equal(400, status);
        Assert.Contains("invalid root filesystem tar", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hostile/app", images.Stdout, StringComparison.Ordinal);
    }
}
