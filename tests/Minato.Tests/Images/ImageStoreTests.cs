using Microsoft.Extensions.Logging.Abstractions;
using Minato.Cri.Images;
using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Pull;
using Minato.Engine.Images.Registry;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Images.Store;
using Minato.Engine.Store;

namespace Minato.Tests.Images;

public sealed class ImageStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private ImageStore _store;

    public ImageStoreTests() => _store = Open();

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task RemoveAsync_SharedLayer_FreedOnlyWithTheLastImage()
    {
        await CommitAsync('a', ["1", "2"], "example.com/a:1");
        await CommitAsync('b', ["2", "3"], "example.com/b:1");

        await _store.RemoveAsync(Id('a'), CancellationToken.None);

        Assert.False(_store.Snapshots.Exists(Snap("1")));
        Assert.True(_store.Snapshots.Exists(Snap("2")));
        Assert.Null(_store.Find("example.com/a:1"));
        await _store.RemoveAsync(Id('b'), CancellationToken.None);
        Assert.Empty(Directory.EnumerateDirectories(_store.Snapshots.Root));
        Assert.Equal((0, 0), _store.SnapshotUsage());
        Assert.False(await _store.RemoveAsync(Id('b'), CancellationToken.None));
    }

    [Fact]
    public async Task RemoveAsync_LeasedLayer_Kept()
    {
        await CommitAsync('a', ["1"], "example.com/a:1");

        using (_store.Lease([Snap("1")]))
        {
            await _store.RemoveAsync(Id('a'), CancellationToken.None);
        }

        Assert.True(_store.Snapshots.Exists(Snap("1")));
    }

    [Fact]
    public async Task CommitAsync_SameTagNewImage_TagMoves()
    {
        await CommitAsync('a', ["1"], "example.com/app:latest", "example.com/app@sha256:" + new string('a', 64));
        await CommitAsync('b', ["2"], "example.com/app:latest");

        Assert.Equal(Id('b'), _store.Find("example.com/app:latest")!.Id);
        var old = _store.Find(Id('a'))!;
        Assert.Empty(old.RepoTags);
        Assert.Single(old.RepoDigests);
    }

    [Fact]
    public async Task Load_AfterRestart_KeepsRecordsAndDropsUnrecordedDirectories()
    {
        await CommitAsync('a', ["1"], "example.com/a:1");
        Directory.CreateDirectory(_store.Snapshots.PathOf(Snap("9")));
        _store.Dispose();

        _store = Open();

        Assert.Equal(["example.com/a:1"], _store.Resolve(Id('a')[..19])!.RepoTags);
        Assert.True(_store.Snapshots.Exists(Snap("1")));
        Assert.False(_store.Snapshots.Exists(Snap("9")));
    }

    [Fact]
    public async Task CriRemove_ImageInUse_KeptAndReported()
    {
        await CommitAsync('a', ["1"], "example.com/a:1");
        var cri = Cri(new FakeUsage(Id('a'), "container-1"));

        var error = await Assert.ThrowsAsync<PreconditionException>(() => cri.RemoveAsync("example.com/a:1", CancellationToken.None));

        Assert.Contains("container-1", error.Message, StringComparison.Ordinal);
        Assert.NotNull(_store.Find(Id('a')));
        await Cri(new NoImageUsage()).RemoveAsync("example.com/a:1", CancellationToken.None);
        await Cri(new NoImageUsage()).RemoveAsync("example.com/a:1", CancellationToken.None);
        Assert.Null(_store.Find(Id('a')));
    }

    [Fact]
    public async Task CriList_PinnedSandboxImageAndUser_Reported()
    {
        await CommitAsync('a', ["1"], "registry.k8s.io/pause:3.10");

        var image = Assert.Single(Cri(new NoImageUsage(), "registry.k8s.io/pause:3.10").List(null));

        Assert.True(image.Pinned);
        Assert.Null(image.Uid);
        Assert.Equal("nobody", image.Username);
        Assert.Throws<InvalidInputException>(() => Cri(new NoImageUsage()).Find("Not/Valid"));
    }

    [Theory]
    [InlineData("", 0L, "")]
    [InlineData("1000", 1000L, "")]
    [InlineData("1000:50", 1000L, "")]
    [InlineData("app:app", null, "app")]
    public void ParseUser_Forms_UidOrName(string user, long? uid, string name) =>
        Assert.Equal((uid, name), CriImage.ParseUser(user));

    private static string Id(char c) => "sha256:" + new string(c, 64);

    private static string Snap(string n) => new string(n[0], 64);

    private CriImageService Cri(IImageUsage usage, string? sandbox = null)
    {
        var options = new ImageOptions();
        var unpacker = new ImageUnpacker(_store, options, TimeProvider.System, NullLogger<ImageUnpacker>.Instance);
        var puller = new ImagePuller(new RegistryClient(TimeProvider.System), RegistriesConfig.Empty, CredentialStore.Empty, unpacker, options, TimeProvider.System);
        return new CriImageService(_store, puller, usage, sandbox, TimeProvider.System);
    }

    private ImageStore Open() => ImageStore.Load(
        MetadataStore.Open(_dir.Combine("minato.db")), new ContentStore(_dir.Combine("content")),
        new SnapshotStore(_dir.Combine("snapshots"), _dir.Combine("unpack")));

    private async Task CommitAsync(char id, string[] layers, params string[] names)
    {
        var snapshots = layers.Select(l => new Snapshot(Snap(l), Digest.Parse("sha256:" + Snap(l)), 10, 2)).ToList();
        foreach (var snapshot in snapshots)
        {
            Directory.CreateDirectory(_store.Snapshots.PathOf(snapshot.Name));
        }

        var record = new ImageRecord
        {
            Id = Id(id),
            ManifestDigest = "sha256:" + new string('f', 64),
            ManifestMediaType = "application/vnd.oci.image.manifest.v1+json",
            Layers = [.. snapshots.Select(s => new ImageLayer(s.DiffId.ToString(), "application/vnd.oci.image.layer.v1.tar", 1, s.DiffId.ToString(), s.Name))],
            Blobs = [Id(id)],
            User = "nobody",
        };
        await _store.CommitAsync(record, snapshots, names, CancellationToken.None);
    }

    private sealed class FakeUsage(string imageId, string container) : IImageUsage
    {
        public IReadOnlyList<string> ContainersUsing(string id) => id == imageId ? [container] : [];
    }
}
