using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Oci;
using Minato.Testing.Images;

namespace Minato.Tests.Engine.Containers;

public sealed class ContainerServiceRestoreTests : IAsyncLifetime, IDisposable
{
    private readonly ContainerServiceFixture _node = new();
    private readonly TempDirectory _out = new();

    public async Task InitializeAsync()
    {
        await _node.AddImageAsync();
        await _node.Service.RecoverAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _node.Dispose();
        _out.Dispose();
    }

    private string Staging => _node.Options.CheckpointStagingDirectory;

    [Fact]
    public async Task CreateAsync_FromCheckpoint_AppliesRootfsDiffAndDeletedFilesButRunsNothing()
    {
        var outside = _out.Write("outside/victim", "host file");
        _node.Mounts.OnMount = rootfs =>
        {
            Directory.CreateDirectory(Path.Combine(rootfs, "etc"));
            File.WriteAllText(Path.Combine(rootfs, "etc", "motd"), "from the image");
            Directory.CreateDirectory(Path.Combine(rootfs, "var", "cache", "deep"));
            File.WriteAllText(Path.Combine(rootfs, "var", "cache", "deep", "x"), "cached");
            File.CreateSymbolicLink(Path.Combine(rootfs, "link"), Path.GetDirectoryName(outside)!);
        };
        var archive = CheckpointArchiveBuilder.Valid("example.com/app:1", "sleep", "600")
            .RootfsDiff(new Dictionary<string, string> { ["count"] = "41", ["etc/app.conf"] = "a=1" })
            .DeletedFiles("""["/etc/motd","/var/cache","/link/victim","/never/there"]""")
            .WriteTo(_out.Combine("c.tar"));

        var record = await CreateFromAsync(archive);

        Assert.Equal(ContainerPhase.Created, record.Phase);
        Assert.Empty(_node.Monitor.Launches);
        Assert.Equal("41", File.ReadAllText(Path.Combine(record.LayerDirectory, "upper", "count")));
        Assert.Equal("a=1", File.ReadAllText(Path.Combine(record.LayerDirectory, "upper", "etc", "app.conf")));
        Assert.False(File.Exists(Path.Combine(record.RootfsPath, "etc", "motd")));
        Assert.False(Directory.Exists(Path.Combine(record.RootfsPath, "var", "cache")));
        Assert.True(Directory.Exists(Path.Combine(record.RootfsPath, "var")));
        Assert.True(File.Exists(outside), "a deleted.files path followed a symlink out of the rootfs");
        Assert.True(File.Exists(Path.Combine(record.CheckpointImages, "inventory.img")));
        Assert.StartsWith(record.LayerDirectory, record.CheckpointImages, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Staging));
        Assert.Contains((ContainerChangeKind.Created, record.Id), _node.Changes);
    }

    [Fact]
    public async Task StartAsync_RestorePending_MonitorRestoresFromTheImagesAndItRuns()
    {
        var created = await CreateFromAsync(CheckpointArchiveBuilder.Valid("example.com/app:1", "sleep", "600").WriteTo(_out.Combine("c.tar")));

        var started = await _node.Service.StartAsync(created.Id, CancellationToken.None);

        var launch = Assert.Single(_node.Monitor.Launches);
        Assert.Equal(created.CheckpointImages, launch.RestoreImagePath);
        Assert.Equal(ContainerPhase.Running, started.Phase);
        Assert.True(started.Pid > 0);
        Assert.Empty(started.CheckpointImages);
        Assert.False(Directory.Exists(created.CheckpointDirectory), "CRIU's images kept after the restore");
        Assert.DoesNotContain($"start {created.Id}", _node.Runtime.Calls);
    }

    [Fact]
    public async Task StartAsync_CriuRefuses_PreconditionWithCriusWordsExitedAndRuntimeStateGone()
    {
        var created = await CreateFromAsync(CheckpointArchiveBuilder.Valid("example.com/app:1", "sleep", "600").WriteTo(_out.Combine("c.tar")));
        File.WriteAllText(Path.Combine(created.BundleDirectory, "restore.log"),
            "(00.001) Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds\n(00.002) Error (criu/crtools.c:260): Could not initialize kernel features detection.\n");
        _node.Monitor.FailNext = new OciRuntimeException("criu failed: type RESTORE errno 0");

        var error = await Assert.ThrowsAsync<PreconditionException>(() => _node.Service.StartAsync(created.Id, CancellationToken.None));

        Assert.Contains("criu failed: type RESTORE", error.Message, StringComparison.Ordinal);
        Assert.Contains("Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds", error.Message, StringComparison.Ordinal);
        var exited = _node.Service.Get(created.Id);
        Assert.Equal(ContainerPhase.Exited, exited.Phase);
        Assert.Equal("StartError", exited.Reason);
        Assert.Equal(ContainerService.StartFailedExitCode, exited.ExitCode);
        Assert.Contains("Unexpected rt vDSO area bounds", exited.Message, StringComparison.Ordinal);
        Assert.Contains($"delete {created.Id}", _node.Runtime.Calls);
        Assert.False(Directory.Exists(created.CheckpointDirectory));
        Assert.Contains((ContainerChangeKind.Exited, created.Id), _node.Changes);

        await _node.Service.RemoveAsync(created.Id, CancellationToken.None);
        _node.AssertNothingLeftOf(created.Id);
    }

    [Fact]
    public async Task CreateAsync_RootfsDiffEscapes_InvalidInputAndNothingLeft()
    {
        var archive = CheckpointArchiveBuilder.Valid("example.com/app:1", "true")
            .RootfsDiff(new Dictionary<string, string> { ["../../escaped"] = "out" })
            .WriteTo(_out.Combine("c.tar"));
        using var unpacked = await _node.Service.UnpackCheckpointAsync(archive, CancellationToken.None);
        var id = ContainerService.NewId();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            _node.Service.CreateAsync(_node.Describe(id) with { Restore = unpacked }, CancellationToken.None));

        Assert.Contains("rootfs-diff.tar", error.Message, StringComparison.Ordinal);
        Assert.Contains(archive, error.Message, StringComparison.Ordinal);
        _node.AssertNothingLeftOf(id);
        Assert.Empty(Directory.GetFileSystemEntries(Staging));
        Assert.False(File.Exists(Path.Combine(_node.Options.RootDirectory, "escaped")));
    }

    [Fact]
    public async Task CreateAsync_RootfsDiffSymlinkEscape_WritesStayInsideTheLayer()
    {
        var outside = _out.Combine("outside");
        Directory.CreateDirectory(outside);
        var archive = CheckpointArchiveBuilder.Valid("example.com/app:1", "true")
            .RootfsDiff(new Dictionary<string, string>(), tar =>
            {
                tar.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.SymbolicLink, "out") { LinkName = outside });
                tar.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "out/planted") { DataStream = new MemoryStream([1]) });
            })
            .WriteTo(_out.Combine("c.tar"));
        using var unpacked = await _node.Service.UnpackCheckpointAsync(archive, CancellationToken.None);
        var id = ContainerService.NewId();

        try
        {
            await _node.Service.CreateAsync(_node.Describe(id) with { Restore = unpacked }, CancellationToken.None);
        }
        catch (InvalidInputException)
        {
            _node.AssertNothingLeftOf(id);
        }

        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }

    [Fact]
    public async Task CreateAsync_MountFails_RollsBackAndRemovesTheUnpackedArchive()
    {
        using var unpacked = await _node.Service.UnpackCheckpointAsync(
            CheckpointArchiveBuilder.Valid("example.com/app:1", "true").WriteTo(_out.Combine("c.tar")), CancellationToken.None);
        _node.Mounts.FailNext = new IOException("mount refused");
        var id = ContainerService.NewId();

        await Assert.ThrowsAsync<IOException>(() => _node.Service.CreateAsync(_node.Describe(id) with { Restore = unpacked }, CancellationToken.None));

        _node.AssertNothingLeftOf(id);
        Assert.Empty(Directory.GetFileSystemEntries(Staging));
    }

    [Fact]
    public async Task CreateAsync_SpecFails_RollsBackAndRemovesTheUnpackedArchive()
    {
        using var unpacked = await _node.Service.UnpackCheckpointAsync(
            CheckpointArchiveBuilder.Valid("example.com/app:1", "true").WriteTo(_out.Combine("c.tar")), CancellationToken.None);
        var id = ContainerService.NewId();

        await Assert.ThrowsAsync<InvalidInputException>(() => _node.Service.CreateAsync(
            _node.Describe(id, _ => throw new InvalidInputException("mounts: bad")) with { Restore = unpacked }, CancellationToken.None));

        _node.AssertNothingLeftOf(id);
        Assert.Empty(Directory.GetFileSystemEntries(Staging));
    }

    [Fact]
    public async Task RemoveAsync_RestorePending_RemovesAtOnceWithoutSignals()
    {
        var created = await CreateFromAsync(CheckpointArchiveBuilder.Valid("example.com/app:1", "true").WriteTo(_out.Combine("c.tar")));

        await _node.Service.RemoveAsync(created.Id, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(3));

        _node.AssertNothingLeftOf(created.Id);
        Assert.DoesNotContain(_node.Runtime.Calls, c => c.StartsWith("kill", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecoverAsync_RestorePending_StaysCreatedAndStaleUnpacksGo()
    {
        var created = await CreateFromAsync(CheckpointArchiveBuilder.Valid("example.com/app:1", "true").WriteTo(_out.Combine("c.tar")));
        var stale = await _node.Service.UnpackCheckpointAsync(
            CheckpointArchiveBuilder.Valid("example.com/app:1", "true").WriteTo(_out.Combine("d.tar")), CancellationToken.None);

        var service = _node.Restart();
        await service.RecoverAsync(CancellationToken.None);

        Assert.Equal(ContainerPhase.Created, service.Get(created.Id).Phase);
        Assert.True(Directory.Exists(created.CheckpointImages));
        Assert.False(Directory.Exists(stale.Directory));
    }

    [Theory]
    [InlineData("relative.tar")]
    [InlineData("/tmp/a\0b.tar")]
    public async Task UnpackCheckpointAsync_BadPath_InvalidInput(string path)
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => _node.Service.UnpackCheckpointAsync(path, CancellationToken.None));

        Assert.Contains("checkpoint archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnpackCheckpointAsync_Directory_InvalidInput()
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => _node.Service.UnpackCheckpointAsync(_out.Path, CancellationToken.None));

        Assert.Contains("is a directory", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"io.kubernetes.cri-o.annotations.checkpoint.name":"counter"}""", "{}")]
    [InlineData("""{"org.criu.checkpoint.container.name":"counter"}""", "{}")]
    [InlineData("{}", """{"io.kubernetes.cri-o.annotations.checkpoint.name":"counter"}""")]
    public async Task IsCheckpointImageAsync_AnnotatedInManifestOrLabelledInConfig_True(string annotations, string labels)
    {
        var image = await _node.AddAnnotatedImageAsync('a', "example.com/ckpt:1", _ => { }, annotations, labels);

        Assert.True(await _node.Service.IsCheckpointImageAsync(image, CancellationToken.None));
    }

    [Fact]
    public async Task IsCheckpointImageAsync_OrdinaryImages_False()
    {
        var other = await _node.AddAnnotatedImageAsync('a', "example.com/other:1", _ => { }, """{"org.opencontainers.image.title":"x"}""", """{"checkpoint":"no"}""");

        Assert.False(await _node.Service.IsCheckpointImageAsync(_node.Image, CancellationToken.None));
        Assert.False(await _node.Service.IsCheckpointImageAsync(other, CancellationToken.None));
    }

    [Fact]
    public async Task CreateAsync_FromCheckpointImage_AppliesItsRootfsDiffAndLeavesTheLayerUntouched()
    {
        var checkpoint = CheckpointArchiveBuilder.Valid("example.com/app:1", "sleep", "600")
            .RootfsDiff(new Dictionary<string, string> { ["count"] = "41" });
        var image = await _node.AddAnnotatedImageAsync('a', "example.com/ckpt:1", layer => checkpoint.ExtractTo(layer), "{}",
            """{"org.criu.checkpoint.container.name":"counter"}""");
        var layer = _node.Images.Snapshots.PathOf(image.Layers[0].Snapshot);
        var before = Directory.GetFileSystemEntries(layer, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        var unpacked = await _node.Service.UnpackCheckpointImageAsync(image, "example.com/ckpt:1", CancellationToken.None);
        var record = await _node.Service.CreateAsync(_node.Describe() with { Restore = unpacked }, CancellationToken.None);

        Assert.Equal("41", File.ReadAllText(Path.Combine(record.LayerDirectory, "upper", "count")));
        Assert.True(File.Exists(Path.Combine(record.CheckpointImages, "inventory.img")));
        Assert.Empty(Directory.GetFileSystemEntries(Staging));
        Assert.Equal(before, Directory.GetFileSystemEntries(layer, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task UnpackCheckpointImageAsync_NoInventory_InvalidInputNamingTheImageAndNothingStaged()
    {
        var checkpoint = CheckpointArchiveBuilder.Valid("example.com/app:1", "true").Without("checkpoint");
        var image = await _node.AddAnnotatedImageAsync('a', "example.com/ckpt:1", layer => checkpoint.ExtractTo(layer), "{}",
            """{"org.criu.checkpoint.container.name":"counter"}""");

        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            _node.Service.UnpackCheckpointImageAsync(image, "example.com/ckpt:1", CancellationToken.None));

        Assert.Contains("checkpoint image example.com/ckpt:1 is not usable", error.Message, StringComparison.Ordinal);
        Assert.Contains("inventory.img", error.Message, StringComparison.Ordinal);
        Assert.True(!Directory.Exists(Staging) || Directory.GetFileSystemEntries(Staging).Length == 0);
    }

    private async Task<ContainerRecord> CreateFromAsync(string archive)
    {
        var unpacked = await _node.Service.UnpackCheckpointAsync(archive, CancellationToken.None);
        return await _node.Service.CreateAsync(_node.Describe() with { Restore = unpacked }, CancellationToken.None);
    }
}
