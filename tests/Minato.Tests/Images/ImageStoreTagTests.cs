using Minato.Engine.Errors;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Images.Store;
using Minato.Engine.Store;

namespace Minato.Tests.Images;

public sealed class ImageStoreTagTests : IDisposable
{
    private static readonly string FirstId = "sha256:" + new string('1', 64);
    private static readonly string SecondId = "sha256:" + new string('2', 64);
    private readonly TempDirectory _dir = new();
    private ImageStore _store;

    public ImageStoreTagTests()
    {
        _store = Open();
        Commit(FirstId, "docker.io/library/busybox:latest");
        Commit(SecondId, "docker.io/library/alpine:latest");
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task TagAsync_NewName_FoundAfterReload()
    {
        await _store.TagAsync(FirstId, "example.com/app:v1", CancellationToken.None);
        _store.Dispose();
        _store = Open();

        Assert.Equal(FirstId, _store.Find("example.com/app:v1")?.Id);
        Assert.Equal(["docker.io/library/busybox:latest", "example.com/app:v1"], _store.Find(FirstId)!.RepoTags);
    }

    [Fact]
    public async Task TagAsync_NameOfAnotherImage_MovesToThisOne()
    {
        await _store.TagAsync(FirstId, "docker.io/library/alpine:latest", CancellationToken.None);

        Assert.Equal(FirstId, _store.Find("docker.io/library/alpine:latest")?.Id);
        Assert.Empty(_store.Find(SecondId)!.RepoTags);
    }

    [Fact]
    public async Task TagAsync_NoSuchImage_NotFound()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => _store.TagAsync("sha256:" + new string('9', 64), "x:y", CancellationToken.None));
    }

    [Fact]
    public async Task UntagAsync_Name_RemovedButImageKeptAcrossReload()
    {
        Assert.True(await _store.UntagAsync("docker.io/library/busybox:latest", CancellationToken.None));
        Assert.False(await _store.UntagAsync("docker.io/library/busybox:latest", CancellationToken.None));
        _store.Dispose();
        _store = Open();

        Assert.Null(_store.Find("docker.io/library/busybox:latest"));
        Assert.Empty(_store.Find(FirstId)!.RepoTags);
    }

    private ImageStore Open() => ImageStore.Load(
        MetadataStore.Open(_dir.Combine("minato.db")), new ContentStore(_dir.Combine("content")),
        new SnapshotStore(_dir.Combine("snapshots"), _dir.Combine("unpack")));

    private void Commit(string id, params string[] names)
    {
        var record = new ImageRecord
        {
            Id = id,
            ManifestDigest = "sha256:" + new string('f', 64),
            ManifestMediaType = "application/vnd.oci.image.manifest.v1+json",
            Layers = [],
            Blobs = [id],
        };
        _store.CommitAsync(record, [], names, CancellationToken.None).GetAwaiter().GetResult();
    }
}
