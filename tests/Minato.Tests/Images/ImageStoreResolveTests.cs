using Minato.Engine.Errors;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Images.Store;
using Minato.Engine.Store;

namespace Minato.Tests.Images;

public sealed class ImageStoreResolveTests : IDisposable
{
    private static readonly string BusyboxId = "sha256:ab12" + new string('1', 60);
    private static readonly string AppId = "sha256:ab34" + new string('2', 60);
    private static readonly string RepoDigest = "sha256:" + new string('d', 64);
    private readonly TempDirectory _dir = new();
    private readonly ImageStore _store;

    public ImageStoreResolveTests()
    {
        _store = ImageStore.Load(
            MetadataStore.Open(_dir.Combine("minato.db")), new ContentStore(_dir.Combine("content")),
            new SnapshotStore(_dir.Combine("snapshots"), _dir.Combine("unpack")));
        Commit(BusyboxId, "docker.io/library/busybox:latest", "docker.io/library/busybox@" + RepoDigest);
        Commit(AppId, "gcr.io/x/y:latest", "127.0.0.1:5000/app:1.0");
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("gcr.io/x/y")]
    [InlineData("gcr.io/x/y:latest")]
    [InlineData("127.0.0.1:5000/app:1.0")]
    public void Resolve_NameWithOrWithoutTag_UntaggedMeansLatest(string reference) =>
        Assert.Equal(AppId, _store.Resolve(reference)?.Id);

    [Theory]
    [InlineData("busybox")]
    [InlineData("busybox:latest")]
    [InlineData("library/busybox")]
    [InlineData("docker.io/busybox")]
    [InlineData("index.docker.io/library/busybox:latest")]
    public void Resolve_ShortName_NormalisedAsPullDoes(string reference) =>
        Assert.Equal(BusyboxId, _store.Resolve(reference)?.Id);

    [Theory]
    [InlineData("busybox@sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd")]
    [InlineData("docker.io/library/busybox@sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd")]
    [InlineData("busybox:latest@sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd")]
    public void Resolve_NameAtDigest_FoundByRepoDigest(string reference) =>
        Assert.Equal(BusyboxId, _store.Resolve(reference)?.Id);

    [Fact]
    public void Resolve_FullImageId_WithOrWithoutAlgorithm()
    {
        Assert.Equal(AppId, _store.Resolve(AppId)?.Id);
        Assert.Equal(AppId, _store.Resolve(AppId[7..])?.Id);
    }

    [Theory]
    [InlineData("ab34")]
    [InlineData("sha256:ab34")]
    [InlineData("ab342222222")]
    public void Resolve_UnambiguousIdPrefix_Found(string reference) =>
        Assert.Equal(AppId, _store.Resolve(reference)?.Id);

    [Theory]
    [InlineData("ab")]
    [InlineData("sha256:ab")]
    public void Resolve_AmbiguousIdPrefix_InvalidInputNamingCandidates(string reference)
    {
        var error = Assert.Throws<InvalidInputException>(() => _store.Resolve(reference));

        Assert.Contains("ambiguous", error.Message, StringComparison.Ordinal);
        Assert.Contains(BusyboxId, error.Message, StringComparison.Ordinal);
        Assert.Contains(AppId, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gcr.io/x/z")]
    [InlineData("gcr.io/x/y:2")]
    [InlineData("busybox@sha256:eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee")]
    [InlineData("cafe")]
    [InlineData("sha256:cafe")]
    public void Resolve_NotPresent_Null(string reference) => Assert.Null(_store.Resolve(reference));

    [Theory]
    [InlineData("")]
    [InlineData("Not/Valid")]
    [InlineData("gcr.io/x/y:bad tag")]
    public void Resolve_Malformed_InvalidInput(string reference) =>
        Assert.Throws<InvalidInputException>(() => _store.Resolve(reference));

    [Fact]
    public void Resolve_NameThatLooksLikeAnIdPrefix_NameWins()
    {
        Commit("sha256:" + new string('c', 64), "docker.io/library/ab34:latest");

        Assert.Equal("sha256:" + new string('c', 64), _store.Resolve("ab34")?.Id);
    }

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
