using System.IO.Compression;
using System.Text;
using Minato.Build.Context;
using Minato.Engine.Errors;
using Minato.Tests.Images;

using SharpCompress.Compressors.BZip2;

namespace Minato.Tests.Build.Context;

/// <summary>Contexts as clients send them, and hostile ones: each must be refused or confined, leaving nothing behind.</summary>
public sealed class BuildContextTests : IDisposable
{
    // "d/a.txt" holding "hello\n", made with GNU tar and compressed with xz -9 (no xz encoder in-process).
    private const string XzContext =
        "/Td6WFoAAATm1rRGAgAhARwAAAAQz1jM4Cf/AIBdADILvBunjDRE4cIHdekACY2x8R77HKpsCmsB62cJLUjHGvfM5w/zmko1nChhHLkhMMcc" +
        "qiCXW1S0oItOg6ABELVQ+OnGp8RCNtSpuCsAlrk0OnNut2PQaoDf4DDQwnO/akf6mEGLTt/6Z4wccnGWTSB4rpbCJodxhwxUJXdOaaQAABrG" +
        "0HONVsE1AAGcAYBQAADes3QVscRn+wIAAAAABFla";

    private readonly TempDirectory scratch = new();
    private readonly string target;
    private readonly string outside;

    public BuildContextTests()
    {
        target = scratch.Combine("context");
        outside = scratch.Combine("outside");
        Directory.CreateDirectory(outside);
    }

    public void Dispose() => scratch.Dispose();

    private static byte[] Simple() => new TarBuilder()
        .Directory("src")
        .File("src/main.c", "int main(){}")
        .File("Dockerfile", "FROM scratch\n")
        .Symlink("link", "src/main.c")
        .HardLink("hard", "Dockerfile")
        .Build();

    private Task ExtractAsync(byte[] body, long maxBytes = 1 << 20, long maxEntries = 1000) =>
        BuildContext.ExtractAsync(new MemoryStream(body), target, maxBytes, maxEntries, CancellationToken.None);

    private void AssertNothingLeft() => Assert.False(Directory.Exists(target), "the context directory should be gone");

    [Fact]
    public async Task ExtractAsync_PlainTar_WritesFilesLinksAndHardLinks()
    {
        await ExtractAsync(Simple());

        Assert.Equal("int main(){}", File.ReadAllText(Path.Combine(target, "src/main.c")));
        Assert.Equal("src/main.c", new FileInfo(Path.Combine(target, "link")).LinkTarget);
        Assert.Equal("FROM scratch\n", File.ReadAllText(Path.Combine(target, "hard")));
    }

    [Fact]
    public async Task ExtractAsync_Gzip_IsDetected()
    {
        var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Simple());
        }

        await ExtractAsync(compressed.ToArray());

        Assert.True(File.Exists(Path.Combine(target, "Dockerfile")));
    }

    [Fact]
    public async Task ExtractAsync_Bzip2_IsDetected()
    {
        var compressed = new MemoryStream();
        using (var bzip2 = BZip2Stream.Create(compressed, SharpCompress.Compressors.CompressionMode.Compress, false, leaveOpen: true))
        {
            bzip2.Write(Simple());
        }

        await ExtractAsync(compressed.ToArray());

        Assert.True(File.Exists(Path.Combine(target, "src/main.c")));
    }

    [Fact]
    public async Task ExtractAsync_Xz_IsDetected()
    {
        await ExtractAsync(Convert.FromBase64String(XzContext));

        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(target, "d/a.txt")));
    }

    [Fact]
    public async Task ExtractAsync_WhiteoutNames_AreOrdinaryFiles()
    {
        await ExtractAsync(new TarBuilder().File("a", "x").File(".wh.a", "kept").Build());

        Assert.True(File.Exists(Path.Combine(target, "a")));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(target, ".wh.a")));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    public async Task ExtractAsync_DotDotName_IsRefused(string name)
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => ExtractAsync(new TarBuilder().File("ok", "1").File(name, "pwned").Build()));

        Assert.Contains("unsafe entry", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(scratch.Combine("escape")));
        AssertNothingLeft();
    }

    [Fact]
    public async Task ExtractAsync_AbsoluteName_StaysInside()
    {
        await ExtractAsync(new TarBuilder().File("/etc/minato-context-test", "x").Build());

        Assert.True(File.Exists(Path.Combine(target, "etc/minato-context-test")));
        Assert.False(File.Exists("/etc/minato-context-test"));
    }

    [Fact]
    public async Task ExtractAsync_FileThroughSymlinkedParent_DoesNotWriteOutside()
    {
        var tar = new TarBuilder().Symlink("out", outside).File("out/canary", "pwned").Build();

        await Assert.ThrowsAsync<InvalidInputException>(() => ExtractAsync(tar));

        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        AssertNothingLeft();
    }

    [Fact]
    public async Task ExtractAsync_HardLinkToOutside_IsRefused()
    {
        File.WriteAllText(Path.Combine(outside, "secret"), "s");
        var tar = new TarBuilder().HardLink("stolen", Path.Combine(outside, "secret")).Build();

        await Assert.ThrowsAsync<InvalidInputException>(() => ExtractAsync(tar));

        AssertNothingLeft();
    }

    [Fact]
    public async Task ExtractAsync_HardLinkWithDotDot_IsRefused()
    {
        await Assert.ThrowsAsync<InvalidInputException>(() => ExtractAsync(new TarBuilder().HardLink("stolen", "../outside/secret").Build()));

        AssertNothingLeft();
    }

    [Theory]
    [InlineData('3')]
    [InlineData('4')]
    [InlineData('6')]
    public async Task ExtractAsync_DeviceOrFifo_IsRefused(char type)
    {
        var tar = new TarBuilder().Node(type, "dev", 8, 0, "600").Build();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => ExtractAsync(tar));

        Assert.Contains("not allowed here", error.Message, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [Fact]
    public async Task ExtractAsync_LargerThanCap_IsAStorageLimitAndLeavesNothing()
    {
        var tar = new TarBuilder().File("big", new string('x', 64 << 10)).Build();

        await Assert.ThrowsAsync<StorageLimitException>(() => ExtractAsync(tar, maxBytes: 32 << 10));

        AssertNothingLeft();
    }

    [Fact]
    public async Task ExtractAsync_GzipBomb_StopsAtTheCap()
    {
        var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(new TarBuilder().File("zeros", new string('\0', 8 << 20)).Build());
        }

        Assert.True(compressed.Length < 64 << 10);

        await Assert.ThrowsAsync<StorageLimitException>(() => ExtractAsync(compressed.ToArray(), maxBytes: 1 << 20));

        AssertNothingLeft();
    }

    [Fact]
    public async Task ExtractAsync_TooManyEntries_IsAStorageLimit()
    {
        var tar = new TarBuilder();
        for (var i = 0; i < 20; i++)
        {
            tar.File($"f{i}", "");
        }

        await Assert.ThrowsAsync<StorageLimitException>(() => ExtractAsync(tar.Build(), maxEntries: 10));

        AssertNothingLeft();
    }

    [Theory]
    [InlineData("not a tar at all, just some text that is long enough to fill a header block or not")]
    [InlineData("")]
    public async Task ExtractAsync_NotATar_IsInvalidInput(string body)
    {
        await Assert.ThrowsAsync<InvalidInputException>(() => ExtractAsync(Encoding.UTF8.GetBytes(body)));

        AssertNothingLeft();
    }

    [Theory]
    [InlineData(new byte[] { 0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5 })]
    [InlineData(new byte[] { 0x42, 0x5A, 0x68, 0x39, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })]
    [InlineData(new byte[] { 0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })]
    [InlineData(new byte[] { 0x28, 0xB5, 0x2F, 0xFD, 1, 2, 3, 4, 5, 6, 7, 8 })]
    public async Task ExtractAsync_CorruptCompression_IsInvalidInput(byte[] body)
    {
        await Assert.ThrowsAsync<InvalidInputException>(() => ExtractAsync(body));

        AssertNothingLeft();
    }

    [Fact]
    public async Task ExtractAsync_ExistingEmptyDirectory_IsFilledAndEmptiedOnFailure()
    {
        Directory.CreateDirectory(target);

        await Assert.ThrowsAsync<InvalidInputException>(() => ExtractAsync(new TarBuilder().File("ok", "1").File("../x", "2").Build()));

        Assert.True(Directory.Exists(target));
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public async Task ExtractAsync_NonEmptyDirectory_IsRefusedUntouched()
    {
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep"), "k");

        await Assert.ThrowsAsync<ArgumentException>(() => ExtractAsync(Simple()));

        Assert.True(File.Exists(Path.Combine(target, "keep")));
    }

    [Fact]
    public async Task ExtractAsync_PublicOverload_UsesTheDefaultEntryBound()
    {
        await BuildContext.ExtractAsync(new MemoryStream(Simple()), target, 1 << 20, CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(target, "Dockerfile")));
    }
}
