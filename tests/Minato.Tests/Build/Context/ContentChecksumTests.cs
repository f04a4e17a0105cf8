using Minato.Build.Context;

namespace Minato.Tests.Build.Context;

public sealed class ContentChecksumTests : IDisposable
{
    private readonly TempDirectory context = new();

    public ContentChecksumTests()
    {
        context.Write("a.txt", "a");
        context.Write("dir/x.txt", "x");
        context.Write("dir/sub/y.txt", "y");
    }

    public void Dispose() => context.Dispose();

    private string Compute(params string[] paths) => ContentChecksum.Compute(context.Path, paths);

    [Fact]
    public void Compute_SameTree_SameDigestWhateverTheOrder()
    {
        var first = Compute("a.txt", "dir");

        Assert.StartsWith("sha256:", first, StringComparison.Ordinal);
        Assert.Equal(71, first.Length);
        Assert.Equal(first, Compute("dir", "a.txt"));
        Assert.Equal(first, Compute("./dir/", "a.txt", "a.txt"));
    }

    [Fact]
    public void Compute_ContentChangeBelowDirectory_ChangesDigest()
    {
        var before = Compute("dir");
        File.WriteAllText(context.Combine("dir/sub/y.txt"), "changed");

        Assert.NotEqual(before, Compute("dir"));
    }

    [Fact]
    public void Compute_ModeChange_ChangesDigest()
    {
        var before = Compute("a.txt");
        File.SetUnixFileMode(context.Combine("a.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        Assert.NotEqual(before, Compute("a.txt"));
    }

    [Fact]
    public void Compute_NewFileInDirectory_ChangesDigest()
    {
        var before = Compute(".");
        context.Write("dir/new.txt", "");

        Assert.NotEqual(before, Compute("."));
    }

    [Fact]
    public void Compute_TimestampOnly_KeepsDigest()
    {
        var before = Compute("a.txt");
        File.SetLastWriteTimeUtc(context.Combine("a.txt"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(before, Compute("a.txt"));
    }

    [Fact]
    public void Compute_SymlinkTarget_IsHashedNotFollowed()
    {
        File.CreateSymbolicLink(context.Combine("link"), "a.txt");
        var before = Compute("link");
        File.Delete(context.Combine("link"));
        File.CreateSymbolicLink(context.Combine("link"), "dir/x.txt");

        Assert.NotEqual(before, Compute("link"));
    }

    [Fact]
    public void Compute_IgnoredFilesBelowDirectory_AreLeftOut()
    {
        var ignore = DockerIgnore.Parse("dir/sub\n");
        var before = ContentChecksum.Compute(context.Path, ["dir"], ignore);
        File.WriteAllText(context.Combine("dir/sub/y.txt"), "changed");

        Assert.Equal(before, ContentChecksum.Compute(context.Path, ["dir"], ignore));
    }
}
