using Minato.Engine.Disk;
using Minato.Engine.Errors;
using Minato.Engine.Images.Store;

namespace Minato.Tests.Engine.Disk;

public sealed class ImageGcPolicyTests
{
    private const long GiB = 1L << 30;

    [Fact]
    public void Select_BelowHighMark_RemovesNothing()
    {
        var policy = new ImageGcPolicy(85, 80, new FakeUsage(100 * GiB, 20 * GiB));

        Assert.Empty(policy.Select("/", [Candidate("a", 10 * GiB, 1)]));
    }

    [Fact]
    public void Select_AboveHighMark_LeastRecentlyUsedFirstUntilTheLowMark()
    {
        // 90% used; the low mark is 80%: 10 GiB must go.
        var policy = new ImageGcPolicy(85, 80, new FakeUsage(100 * GiB, 10 * GiB));
        var candidates = new[] { Candidate("new", 8 * GiB, 300), Candidate("old", 4 * GiB, 100), Candidate("middle", 4 * GiB, 200) };

        var chosen = policy.Select("/", candidates);

        Assert.Equal(["old", "middle", "new"], chosen.Select(i => i.Id));
    }

    [Fact]
    public void Select_EnoughAfterTheOldest_StopsThere()
    {
        var policy = new ImageGcPolicy(85, 80, new FakeUsage(100 * GiB, 10 * GiB));

        var chosen = policy.Select("/", [Candidate("new", 1 * GiB, 300), Candidate("old", 12 * GiB, 100)]);

        Assert.Equal(["old"], chosen.Select(i => i.Id));
    }

    [Fact]
    public void Select_AtExactlyTheHighMark_Collects()
    {
        var policy = new ImageGcPolicy(85, 80, new FakeUsage(100 * GiB, 15 * GiB));

        Assert.Single(policy.Select("/", [Candidate("a", 10 * GiB, 1)]));
    }

    [Theory]
    [InlineData(0, 0, "image_gc_high_percent")]
    [InlineData(101, 80, "image_gc_high_percent")]
    [InlineData(80, 90, "image_gc_low_percent")]
    [InlineData(80, 0, "image_gc_low_percent")]
    public void Create_BadPercentages_RefusedNamingTheKey(int high, int low, string key)
    {
        var e = Assert.Throws<InvalidInputException>(() => new ImageGcPolicy(high, low, new FakeUsage(1, 1)));

        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    private static ImageCandidate Candidate(string id, long size, long lastUsed) => new(new ImageRecord
    {
        Id = id,
        ManifestDigest = "sha256:m",
        ManifestMediaType = "application/vnd.oci.image.manifest.v1+json",
        Layers = [],
        Blobs = [],
        Size = size,
    }, lastUsed);

    /// <summary>A filesystem of fixed size and free space.</summary>
    private sealed class FakeUsage(long total, long available) : IFileSystemUsage
    {
        public (long Total, long Available) Measure(string path) => (total, available);
    }
}
