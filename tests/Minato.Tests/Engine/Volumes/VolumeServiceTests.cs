using Microsoft.Data.Sqlite;
using Minato.Engine.Errors;
using Minato.Engine.Store;
using Minato.Engine.Volumes;

namespace Minato.Tests.Engine.Volumes;

public sealed class VolumeServiceTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly MetadataStore _store;

    public VolumeServiceTests() => _store = MetadataStore.Open(_dir.Combine("minato.db"));

    private string Root => _dir.Combine("volumes");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public void Create_Named_MakesDataDirectory0755AndRecord()
    {
        var volumes = Load();

        var volume = volumes.Create("data", new Dictionary<string, string> { ["team"] = "a" });

        Assert.Equal(Path.Combine(Root, "data", "_data"), volume.Mountpoint);
        Assert.True(Directory.Exists(volume.Mountpoint));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(volume.Mountpoint));
        Assert.Equal("a", Load().Find("data")!.Labels["team"]);
    }

    [Fact]
    public void Create_SameNameTwice_ReturnsTheExistingVolume()
    {
        var volumes = Load();
        var first = volumes.Create("data", new Dictionary<string, string> { ["v"] = "1" });

        var second = volumes.Create("data", new Dictionary<string, string> { ["v"] = "2" });

        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.Equal("1", second.Labels["v"]);
        Assert.Single(volumes.All);
    }

    [Fact]
    public void Create_NoName_AnonymousWithHexName()
    {
        var volume = Load().Create(null);

        Assert.True(volume.Anonymous);
        Assert.Matches("^[0-9a-f]{64}$", volume.Name);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    public void Create_PathLikeName_RefusedAndNothingMade(string name)
    {
        var volumes = Load();

        Assert.Throws<InvalidInputException>(() => volumes.Create(name));

        Assert.Empty(volumes.All);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Root));
        Assert.False(Directory.Exists(_dir.Combine("escape")));
    }

    [Fact]
    public void Create_DriverOptions_RefusedNamingTheOption()
    {
        var e = Assert.Throws<InvalidInputException>(() => Load().Create("tv", options: new Dictionary<string, string> { ["type"] = "tmpfs" }));

        Assert.Contains("\"type\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_OtherDriver_Refused() =>
        Assert.Throws<InvalidInputException>(() => Load().Create("tv", driver: "nfs"));

    [Fact]
    public void Acquire_MissingVolume_CreatesItAndRecordsTheUser()
    {
        var volumes = Load();

        var path = volumes.Acquire("cache", "c1");
        volumes.Acquire("cache", "c1");

        Assert.Equal(Path.Combine(Root, "cache", "_data"), path);
        Assert.Equal(["c1"], Load().Find("cache")!.Users);
    }

    [Fact]
    public void Remove_InUse_ConflictNamesTheContainers()
    {
        var volumes = Load();
        volumes.Acquire("cache", "c1");
        volumes.Acquire("cache", "c2");

        var e = Assert.Throws<PreconditionException>(() => volumes.Remove("cache", force: true));

        Assert.Contains("c1, c2", e.Message, StringComparison.Ordinal);
        Assert.NotNull(volumes.Find("cache"));
    }

    [Fact]
    public void Remove_Released_DeletesDirectoryAndRecord()
    {
        var volumes = Load();
        var path = volumes.Acquire("cache", "c1");
        File.WriteAllText(Path.Combine(path, "f"), "x");
        volumes.ReleaseAll("c1");

        volumes.Remove("cache");

        Assert.Null(Load().Find("cache"));
        Assert.False(Directory.Exists(Path.Combine(Root, "cache")));
    }

    [Fact]
    public void Remove_Unknown_NotFoundUnlessForced()
    {
        var volumes = Load();

        Assert.Throws<NotFoundException>(() => volumes.Remove("nope"));
        volumes.Remove("nope", force: true);
    }

    [Fact]
    public void ReleaseAll_RemoveAnonymous_RemovesOnlyUnsharedAnonymousVolumes()
    {
        var volumes = Load();
        var own = volumes.Create(null);
        var shared = volumes.Create(null);
        volumes.Acquire(own.Name, "c1");
        volumes.Acquire(shared.Name, "c1");
        volumes.Acquire(shared.Name, "c2");
        volumes.Acquire("named", "c1");

        var removed = volumes.ReleaseAll("c1", removeAnonymous: true);

        Assert.Equal([own.Name], removed);
        Assert.Null(volumes.Find(own.Name));
        Assert.Equal(["c2"], volumes.Find(shared.Name)!.Users);
        Assert.Empty(volumes.Find("named")!.Users);
    }

    [Fact]
    public void Prune_SkipsVolumesInUseAndReportsBytes()
    {
        var volumes = Load();
        var idle = volumes.Create("idle").Mountpoint;
        File.WriteAllBytes(Path.Combine(idle, "f"), new byte[1000]);
        volumes.Acquire("busy", "c1");

        var removed = volumes.Prune(_ => true);

        Assert.Equal([("idle", 1000L)], removed);
        Assert.NotNull(volumes.Find("busy"));
    }

    [Fact]
    public void SizeOf_SymlinkOutside_NotFollowed()
    {
        var volumes = Load();
        var volume = volumes.Create("v1");
        File.WriteAllBytes(Path.Combine(volume.Mountpoint, "f"), new byte[10]);
        Directory.CreateDirectory(_dir.Combine("big"));
        File.WriteAllBytes(_dir.Combine("big", "g"), new byte[5000]);
        Directory.CreateSymbolicLink(Path.Combine(volume.Mountpoint, "link"), _dir.Combine("big"));

        Assert.Equal(10, volumes.SizeOf(volume));
    }

    [Fact]
    public void Load_DirectoryWithoutRecord_AdoptedWithItsData()
    {
        Directory.CreateDirectory(Path.Combine(Root, "orphan", "_data"));
        File.WriteAllText(Path.Combine(Root, "orphan", "_data", "keep"), "x");

        var volume = Load().Find("orphan");

        Assert.NotNull(volume);
        Assert.True(File.Exists(Path.Combine(volume.Mountpoint, "keep")));
    }

    [Fact]
    public void Load_RecordWithoutDirectory_DirectoryMadeAgain()
    {
        Load().Create("lost");
        Directory.Delete(Path.Combine(Root, "lost"), recursive: true);

        var volume = Load().Find("lost");

        Assert.True(Directory.Exists(volume!.Mountpoint));
    }

    [Fact]
    public void Load_InterruptedRemoval_Finished()
    {
        Load().Create("gone");
        Directory.Move(Path.Combine(Root, "gone"), Path.Combine(Root, ".removing-gone"));

        var volumes = Load();

        Assert.Null(volumes.Find("gone"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Root));
    }

    [Fact]
    public void Changed_CreateAcquireRelease_RaisedInOrder()
    {
        var volumes = Load();
        var seen = new List<string>();
        volumes.Changed += c => seen.Add($"{c.Kind}:{c.Volume.Name}:{c.ContainerId}");

        volumes.Acquire("v1", "c1");
        volumes.ReleaseAll("c1");
        volumes.Remove("v1");

        Assert.Equal(["Created:v1:", "Mounted:v1:c1", "Unmounted:v1:c1", "Removed:v1:"], seen);
    }

    private VolumeService Load() => VolumeService.Load(_store, Root, TimeProvider.System);
}
