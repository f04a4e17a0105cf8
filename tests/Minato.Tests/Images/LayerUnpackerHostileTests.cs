using Minato.Engine.Images.Content;
using Minato.Engine.Images.Snapshots;

namespace Minato.Tests.Images;

/// <summary>Hostile layers: each must be refused or confined to the snapshot, and the host must not change.</summary>
public sealed class LayerUnpackerHostileTests : IDisposable
{
    private readonly SnapshotSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Fact]
    public async Task UnpackAsync_SymlinkToEtcThenFileUnderIt_FailsWithoutWritingToEtc()
    {
        var tar = new TarBuilder().Symlink("etc", "/etc").File("etc/minato-escape", "pwned").Build();

        await Assert.ThrowsAsync<UnsafeLayerException>(() => sandbox.UnpackAsync(tar));

        sandbox.AssertHostUntouched();
        Assert.True(sandbox.Status("etc")!.Value.IsSymbolicLink);
    }

    [Fact]
    public async Task UnpackAsync_AbsoluteSymlinkToHostDirectoryThenWrites_FailsWithoutWritingThere()
    {
        var tar = new TarBuilder()
            .Symlink("out", sandbox.Sentinel)
            .Directory("out/sub")
            .File("out/canary", "pwned")
            .Build();

        await Assert.ThrowsAsync<UnsafeLayerException>(() => sandbox.UnpackAsync(tar));

        sandbox.AssertHostUntouched();
    }

    [Fact]
    public async Task UnpackAsync_AbsoluteSymlinkToLayerDirectory_WritesResolveInsideTheRoot()
    {
        var tar = new TarBuilder()
            .Directory("inner")
            .Symlink("link", "/inner")
            .File("link/file", "confined")
            .Symlink("up", "../../../../..")
            .File("up/inner/other", "confined too")
            .Build();

        await sandbox.UnpackAsync(tar);

        Assert.Equal("confined", File.ReadAllText(Path.Combine(sandbox.Root, "inner/file")));
        Assert.Equal("confined too", File.ReadAllText(Path.Combine(sandbox.Root, "inner/other")));
        Assert.False(Path.Exists("/inner/file"));
        sandbox.AssertHostUntouched();
    }

    [Fact]
    public async Task UnpackAsync_AbsoluteSymlinkToHostPathMirroredInLayer_WritesTheLayerCopy()
    {
        var mirror = sandbox.Sentinel.TrimStart('/');
        var tar = new TarBuilder()
            .Directory(mirror)
            .Symlink("out", sandbox.Sentinel)
            .File("out/canary", "pwned")
            .Build();

        await sandbox.UnpackAsync(tar);

        Assert.Equal("pwned", File.ReadAllText(Path.Combine(sandbox.Root, mirror, "canary")));
        sandbox.AssertHostUntouched();
    }

    [Fact]
    public async Task UnpackAsync_SymlinkToHostFileThenFileWithSameName_ReplacesTheLinkNotTheTarget()
    {
        var tar = new TarBuilder().Symlink("canary", sandbox.Canary).File("canary", "layer content").Build();

        await sandbox.UnpackAsync(tar);

        Assert.Equal("layer content", File.ReadAllText(Path.Combine(sandbox.Root, "canary")));
        sandbox.AssertHostUntouched();
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("a/../../etc/passwd")]
    public async Task UnpackAsync_HardLinkWithDotDot_IsRefused(string target)
    {
        var tar = new TarBuilder().HardLink("passwd", target).Build();

        await Assert.ThrowsAsync<UnsafeLayerException>(() => sandbox.UnpackAsync(tar));

        Assert.Null(sandbox.Status("passwd"));
        sandbox.AssertHostUntouched();
    }

    [Fact]
    public async Task UnpackAsync_HardLinkToAbsoluteHostPath_IsRefusedAsNotInLayer()
    {
        var tar = new TarBuilder().HardLink("passwd", "/etc/passwd").Build();

        await Assert.ThrowsAsync<UnsafeLayerException>(() => sandbox.UnpackAsync(tar));

        sandbox.AssertHostUntouched();
    }

    [Fact]
    public async Task UnpackAsync_HardLinkThroughSymlinkedParent_DoesNotLinkHostFile()
    {
        var tar = new TarBuilder().Symlink("s", sandbox.Sentinel).HardLink("stolen", "s/canary").Build();

        await Assert.ThrowsAsync<UnsafeLayerException>(() => sandbox.UnpackAsync(tar));

        sandbox.AssertHostUntouched();
    }

    [Theory]
    [InlineData('5')]
    [InlineData('0')]
    [InlineData('3')]
    [InlineData('6')]
    public async Task UnpackAsync_ChmodThroughSymlinkToHostFile_ChangesOnlyTheLayerEntry(char type)
    {
        var tar = new TarBuilder()
            .Symlink("p", sandbox.Canary)
            .Entry(type, "p", [], mode: "6777", uid: 1234, gid: 1234)
            .Build();

        await sandbox.UnpackAsync(tar);

        var entry = sandbox.Status("p")!.Value;
        Assert.False(entry.IsSymbolicLink);
        Assert.Equal(TarBuilder.Octal("6777"), entry.Permissions);
        Assert.Equal(1234u, entry.Uid);
        sandbox.AssertHostUntouched();
    }

    [Theory]
    [InlineData(".")]
    [InlineData("./")]
    [InlineData("/")]
    [InlineData("")]
    public async Task UnpackAsync_RootNamesAsSymlink_AreRefused(string name)
    {
        var tar = new TarBuilder().Symlink(name, sandbox.Sentinel).File("canary", "pwned").Build();

        await Assert.ThrowsAsync<UnsafeLayerException>(() => sandbox.UnpackAsync(tar));

        Assert.True(sandbox.Status("")!.Value.IsDirectory);
        sandbox.AssertHostUntouched();
    }

    [Theory]
    [InlineData(".")]
    [InlineData("./")]
    [InlineData("/")]
    public async Task UnpackAsync_RootNamesAsDirectory_SetRootMetadataOnly(string name)
    {
        var tar = new TarBuilder().Directory(name, mode: "750").File("f", "x").Build();

        await sandbox.UnpackAsync(tar);

        Assert.Equal(TarBuilder.Octal("750"), sandbox.Status("")!.Value.Permissions);
        sandbox.AssertHostUntouched();
    }

    [Theory]
    [InlineData(".wh..")]
    [InlineData(".wh...")]
    [InlineData("etc/.wh...")]
    [InlineData(".wh.")]
    public async Task UnpackAsync_WhiteoutNotNamingOneEntry_IsRefused(string name)
    {
        var tar = new TarBuilder().Directory("etc").File(name, "").Build();

        await Assert.ThrowsAsync<UnsafeLayerException>(() => sandbox.UnpackAsync(tar));

        Assert.True(sandbox.Status("")!.Value.IsDirectory);
        sandbox.AssertHostUntouched();
    }

    [Fact]
    public async Task UnpackAsync_WhiteoutUnderSymlinkToHostDirectory_DoesNotRemoveHostFile()
    {
        var tar = new TarBuilder().Symlink("s", sandbox.Sentinel).File("s/.wh.canary", "").Build();

        await Assert.ThrowsAsync<UnsafeLayerException>(() => sandbox.UnpackAsync(tar));

        sandbox.AssertHostUntouched();
    }

    [Fact]
    public async Task UnpackAsync_WhiteoutUnderSymlinkToSlash_LandsInsideTheRoot()
    {
        var tar = new TarBuilder().Symlink("s", "/").File("s/.wh.canary", "").File("s/.wh..wh..opq", "").Build();

        await sandbox.UnpackAsync(tar);

        Assert.True(sandbox.Status("canary")!.Value.IsOverlayWhiteout);
        sandbox.AssertHostUntouched();
    }

    [Fact]
    public async Task UnpackAsync_OverlayXattrsInLayer_AreDropped()
    {
        var tar = new TarBuilder()
            .Pax(("SCHILY.xattr.trusted.overlay.redirect", "/etc"u8.ToArray()), ("SCHILY.xattr.trusted.overlay.opaque", "y"u8.ToArray()))
            .Directory("d")
            .Build();

        await sandbox.UnpackAsync(tar);

        using var root = Minato.Engine.Linux.RootedDirectory.Open(sandbox.Root);
        using var dir = root.OpenDirectoryNoFollow("d");
        Assert.Null(Minato.Engine.Linux.FileHandleOperations.GetExtendedAttribute(dir, "trusted.overlay.redirect"));
        Assert.Null(Minato.Engine.Linux.FileHandleOperations.GetExtendedAttribute(dir, "trusted.overlay.opaque"));
    }

    [Fact]
    public async Task UnpackAsync_FileReplacingNonEmptyDirectory_IsRefused()
    {
        var tar = new TarBuilder().Directory("d").File("d/keep", "x").Symlink("d", sandbox.Sentinel).Build();

        await Assert.ThrowsAsync<UnsafeLayerException>(() => sandbox.UnpackAsync(tar));

        sandbox.AssertHostUntouched();
    }

    [Fact]
    public async Task UnpackAsync_FileLargerThanCap_FailsBeforeWriting()
    {
        var header = new TarBuilder().Entry('0', "big", [], size: 1L << 40).Build(endMarker: false);

        await Assert.ThrowsAsync<SizeLimitExceededException>(() => sandbox.UnpackAsync(header, SnapshotSandbox.Limits(1 << 20)));

        Assert.Null(sandbox.Status("big"));
    }

    [Fact]
    public async Task UnpackAsync_TooManyEntries_FailsWithLimit()
    {
        var builder = new TarBuilder();
        for (var i = 0; i < 20; i++)
        {
            builder.File($"f{i}", "");
        }

        var limits = SnapshotSandbox.Limits() with { MaxEntries = 10 };

        await Assert.ThrowsAsync<SizeLimitExceededException>(() => sandbox.UnpackAsync(builder.Build(), limits));
    }
}
