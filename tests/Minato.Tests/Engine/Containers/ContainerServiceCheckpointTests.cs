using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Oci;

namespace Minato.Tests.Engine.Containers;

public sealed class ContainerServiceCheckpointTests : IAsyncLifetime, IDisposable
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

    [Fact]
    public async Task CheckpointAsync_RunningContainer_WritesTheArchiveAndLeavesItRunning()
    {
        var running = await _node.RunAsync();
        File.WriteAllText(Path.Combine(running.LayerDirectory, "upper", "made.txt"), "made in the container");
        var location = _out.Combine("checkpoint.tar");

        await _node.Service.CheckpointAsync(running.Id, new ContainerCheckpoint(location, TimeSpan.FromSeconds(30), ImageName: "example.com/app:1"), CancellationToken.None);

        var entries = CheckpointArchiveTests.ReadTar(File.ReadAllBytes(location)).Select(e => e.Name).ToList();
        Assert.Equal(["checkpoint/", "checkpoint/inventory.img", "config.dump", "spec.dump", "rootfs-diff.tar"], entries);
        Assert.Contains($"checkpoint {running.Id} --leave-running", _node.Runtime.Calls);
        Assert.Equal(ContainerPhase.Running, _node.Service.Get(running.Id).Phase);
        Assert.Equal(["checkpoint.tar"], Directory.GetFileSystemEntries(_out.Path).Select(Path.GetFileName));
        Assert.Empty(Directory.GetDirectories(running.BundleDirectory, "checkpoint-*"));
    }

    [Fact]
    public async Task CheckpointAsync_CriuFails_PreconditionWithCriusWordsAndNothingLeft()
    {
        var running = await _node.RunAsync();
        _node.Runtime.CheckpointBehaviour = async (images, token) =>
        {
            await File.WriteAllTextAsync(Path.Combine(images, "pages-1.img"), "half", token);
            throw new OciRuntimeException("runc checkpoint failed: criu failed: type DUMP errno 0; CRIU dump.log: Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds");
        };
        var location = _out.Combine("checkpoint.tar");

        var error = await Assert.ThrowsAsync<PreconditionException>(() =>
            _node.Service.CheckpointAsync(running.Id, new ContainerCheckpoint(location, TimeSpan.Zero), CancellationToken.None));

        Assert.Contains("CRIU", error.Message, StringComparison.Ordinal);
        Assert.Contains("Unexpected rt vDSO area bounds", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_out.Path));
        Assert.Empty(Directory.GetDirectories(running.BundleDirectory, "checkpoint-*"));
        Assert.Equal(ContainerPhase.Running, _node.Service.Get(running.Id).Phase);
    }

    [Fact]
    public async Task CheckpointAsync_CriuHangs_TimesOutAndLeavesNothing()
    {
        var running = await _node.RunAsync();
        _node.Runtime.CheckpointBehaviour = (_, token) => Task.Delay(Timeout.Infinite, token);
        var location = _out.Combine("checkpoint.tar");

        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            _node.Service.CheckpointAsync(running.Id, new ContainerCheckpoint(location, TimeSpan.FromMilliseconds(300)), CancellationToken.None));

        Assert.Contains("did not finish within", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_out.Path));
        Assert.Empty(Directory.GetDirectories(running.BundleDirectory, "checkpoint-*"));
    }

    [Fact]
    public async Task CheckpointAsync_ExistingArchive_IsReplacedWhole()
    {
        var running = await _node.RunAsync();
        var location = _out.Write("checkpoint.tar", "old");

        await _node.Service.CheckpointAsync(running.Id, new ContainerCheckpoint(location, TimeSpan.Zero), CancellationToken.None);

        Assert.Contains("config.dump", CheckpointArchiveTests.ReadTar(File.ReadAllBytes(location)).Select(e => e.Name));
    }

    public static TheoryData<string, string> BadLocations => new()
    {
        { string.Empty, "location is required" },
        { "relative/checkpoint.tar", "must be an absolute path" },
        { "{out}", "is an existing directory" },
        { "{out}/missing/checkpoint.tar", "does not exist" },
        { "{out}/dir/", "must be an absolute path to a file" },
    };

    [Theory]
    [MemberData(nameof(BadLocations))]
    public async Task CheckpointAsync_BadLocation_InvalidInputNamingLocation(string location, string expected)
    {
        var running = await _node.RunAsync();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => _node.Service.CheckpointAsync(
            running.Id, new ContainerCheckpoint(location.Replace("{out}", _out.Path, StringComparison.Ordinal), TimeSpan.Zero), CancellationToken.None));

        Assert.Contains("location", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_node.Runtime.Calls, c => c.StartsWith("checkpoint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckpointAsync_NegativeTimeout_InvalidInput()
    {
        var running = await _node.RunAsync();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => _node.Service.CheckpointAsync(
            running.Id, new ContainerCheckpoint(_out.Combine("c.tar"), TimeSpan.FromSeconds(-1)), CancellationToken.None));

        Assert.Contains("timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckpointAsync_CreatedNotStarted_Precondition()
    {
        var created = await _node.Service.CreateAsync(_node.Describe(), CancellationToken.None);

        await Assert.ThrowsAsync<PreconditionException>(() => _node.Service.CheckpointAsync(
            created.Id, new ContainerCheckpoint(_out.Combine("c.tar"), TimeSpan.Zero), CancellationToken.None));

        Assert.Empty(Directory.GetFileSystemEntries(_out.Path));
    }

    [Fact]
    public async Task CheckpointAsync_UnknownContainer_NotFound() =>
        await Assert.ThrowsAsync<NotFoundException>(() => _node.Service.CheckpointAsync(
            "nope", new ContainerCheckpoint(_out.Combine("c.tar"), TimeSpan.Zero), CancellationToken.None));
}
