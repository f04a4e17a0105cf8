using Minato.Engine.Images.Snapshots;
using Minato.Engine.Linux;

namespace Minato.Tests.Images;

/// <summary>Well-formed layers: what is in the tar is what lands in the snapshot.</summary>
public sealed class LayerUnpackerTests : IDisposable
{
    private readonly SnapshotSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Fact]
    public async Task UnpackAsync_FilesAndDirectories_KeepContentModesOwnersAndTimes()
    {
        var tar = new TarBuilder()
            .Directory("usr/bin", mode: "755", uid: 7, gid: 8, mtime: 1_600_000_000)
            .File("usr/bin/su", "#!/bin/false\n", mode: "4755", uid: 0, gid: 0, mtime: 1_500_000_000)
            .File("usr/bin/wall", "", mode: "2755", gid: 5)
            .Directory("tmp", mode: "1777")
            .File("home/user/.profile", "PATH=/bin\n", mode: "600", uid: 1000, gid: 1000)
            .Build();

        var result = await sandbox.UnpackAsync(tar);

        Assert.Equal(5, result.Entries);
        Assert.Equal(23, result.BytesWritten);
        Assert.Equal("#!/bin/false\n", File.ReadAllText(Path.Combine(sandbox.Root, "usr/bin/su")));
        AssertEntry("usr/bin", "755", 7, 8, 1_600_000_000);
        AssertEntry("usr/bin/su", "4755", 0, 0, 1_500_000_000);
        AssertEntry("usr/bin/wall", "2755", 0, 5, TarBuilder.DefaultTime);
        AssertEntry("tmp", "1777", 0, 0, TarBuilder.DefaultTime);
        AssertEntry("home/user/.profile", "600", 1000, 1000, TarBuilder.DefaultTime);
        Assert.True(sandbox.Status("home/user")!.Value.IsDirectory);
    }

    [Fact]
    public async Task UnpackAsync_RunsOfZeros_AreLeftAsHolesThatReadBackAsZeros()
    {
        var content = new byte[(3 << 20) + 5000];
        content.AsSpan(0, 100).Fill(7);
        content.AsSpan(1 << 20, 5000).Fill(9);
        long allocated = 0;
        var tar = new TarBuilder().Entry('0', "sparse.img", content).Build();

        var result = await new LayerUnpacker(SnapshotSandbox.Limits(), n => allocated += n)
            .UnpackAsync(new MemoryStream(tar), sandbox.Root, CancellationToken.None);

        var path = Path.Combine(sandbox.Root, "sparse.img");
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal(content.Length, result.BytesWritten);

        // Only the blocks holding the two non-zero runs: one page, and two for 5000 bytes that straddle a boundary at most.
        Assert.InRange(allocated, 5100, 3 * 4096);
        Assert.InRange((long)FileIdentity.Of(path)!.Value.Blocks * 512, 1, 64 * 1024);
    }

    [Fact]
    public async Task UnpackAsync_ZeroFileAndEmptyFile_KeepTheirLengths()
    {
        var tar = new TarBuilder().Entry('0', "zeros", new byte[100_000]).Entry('0', "empty", []).Build();

        await sandbox.UnpackAsync(tar);

        Assert.Equal(100_000, new FileInfo(Path.Combine(sandbox.Root, "zeros")).Length);
        Assert.Equal(0, new FileInfo(Path.Combine(sandbox.Root, "empty")).Length);
        Assert.Equal(0UL, FileIdentity.Of(Path.Combine(sandbox.Root, "zeros"))!.Value.Blocks);
    }

    [Fact]
    public async Task UnpackAsync_SymlinksAndHardLinks_AreCreatedInsideTheLayer()
    {
        var tar = new TarBuilder()
            .File("bin/busybox", "elf", mode: "755")
            .HardLink("bin/sh", "bin/busybox")
            .HardLink("bin/ls", "./bin/busybox")
            .Symlink("usr/bin/env", "/bin/busybox", uid: 3, gid: 4)
            .Build();

        await sandbox.UnpackAsync(tar);

        Assert.Equal(3u, sandbox.Status("bin/busybox")!.Value.LinkCount);
        Assert.Equal("elf", File.ReadAllText(Path.Combine(sandbox.Root, "bin/ls")));
        var link = sandbox.Status("usr/bin/env")!.Value;
        Assert.True(link.IsSymbolicLink);
        Assert.Equal((3u, 4u), (link.Uid, link.Gid));
        Assert.Equal("/bin/busybox", new FileInfo(Path.Combine(sandbox.Root, "usr/bin/env")).LinkTarget);
    }

    [Fact]
    public async Task UnpackAsync_DevicesAndFifos_AreCreatedWithNumbersAndModes()
    {
        var tar = new TarBuilder()
            .Node('3', "dev/null", 1, 3, "666")
            .Node('4', "dev/loop0", 7, 0, "660")
            .Node('6', "run/fifo", 0, 0, "620")
            .Build();

        await sandbox.UnpackAsync(tar);

        var null0 = sandbox.Status("dev/null")!.Value;
        Assert.True(null0.IsCharacterDevice);
        Assert.Equal((1u, 3u, TarBuilder.Octal("666")), (null0.DeviceMajor, null0.DeviceMinor, null0.Permissions));
        var loop = sandbox.Status("dev/loop0")!.Value;
        Assert.True(loop.IsBlockDevice);
        Assert.Equal((7u, 0u), (loop.DeviceMajor, loop.DeviceMinor));
        Assert.True(sandbox.Status("run/fifo")!.Value.IsFifo);
        Assert.Equal(TarBuilder.Octal("620"), sandbox.Status("run/fifo")!.Value.Permissions);
    }

    [Fact]
    public async Task UnpackAsync_PaxAndGnuLongNames_AreApplied()
    {
        var longDir = string.Join('/', Enumerable.Repeat("directory-name-of-some-length", 8));
        var tar = new TarBuilder()
            .Pax(("path", System.Text.Encoding.UTF8.GetBytes($"{longDir}/pax-file")), ("mtime", "1234567890.5"u8.ToArray()), ("uid", "4000000"u8.ToArray()))
            .File("ignored-short-name", "pax")
            .GnuLong('L', $"{longDir}/gnu-link")
            .GnuLong('K', $"{longDir}/pax-file")
            .HardLink("short", "short")
            .Pax("linkpath", new string('t', 300))
            .Symlink("sym", "short")
            .Build();

        await sandbox.UnpackAsync(tar);

        var pax = sandbox.Status($"{longDir}/pax-file")!.Value;
        Assert.Equal(new UnixTimestamp(1234567890, 500_000_000), pax.ModificationTime);
        Assert.Equal(4_000_000u, pax.Uid);
        Assert.Equal(2u, sandbox.Status($"{longDir}/gnu-link")!.Value.LinkCount);
        Assert.Equal(new string('t', 300), new FileInfo(Path.Combine(sandbox.Root, "sym")).LinkTarget);
    }

    [Fact]
    public async Task UnpackAsync_Xattrs_KeepsUserAndCapabilityOnly()
    {
        // VFS_CAP_REVISION_2 with CAP_NET_RAW (bit 13) permitted.
        byte[] capability = [0, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var tar = new TarBuilder()
            .Pax(("SCHILY.xattr.user.origin", "layer"u8.ToArray()), ("SCHILY.xattr.security.capability", capability),
                ("SCHILY.xattr.trusted.secret", "x"u8.ToArray()), ("SCHILY.xattr.security.selinux", "system_u"u8.ToArray()))
            .File("bin/ping", "elf", mode: "755", uid: 0, gid: 0)
            .Build();

        await sandbox.UnpackAsync(tar);

        using var file = File.OpenHandle(Path.Combine(sandbox.Root, "bin/ping"));
        Assert.Equal("layer"u8.ToArray(), file.GetExtendedAttribute("user.origin"));
        Assert.Equal(capability, file.GetExtendedAttribute("security.capability"));
        Assert.Null(file.GetExtendedAttribute("trusted.secret"));
    }

    [Fact]
    public async Task UnpackAsync_WhiteoutsAndOpaqueMarker_BecomeOverlayForms()
    {
        var tar = new TarBuilder()
            .File("etc/.wh.motd", "")
            .File(".wh.old", "")
            .File("var/cache/.wh..wh..opq", "")
            .File("var/cache/fresh", "new")
            .Build();

        await sandbox.UnpackAsync(tar);

        Assert.True(sandbox.Status("etc/motd")!.Value.IsOverlayWhiteout);
        Assert.True(sandbox.Status("old")!.Value.IsOverlayWhiteout);
        Assert.Null(sandbox.Status("etc/.wh.motd"));
        using var root = RootedDirectory.Open(sandbox.Root);
        using var cache = root.OpenDirectoryNoFollow("var/cache");
        Assert.Equal("y"u8.ToArray(), cache.GetExtendedAttribute(Whiteout.OpaqueXattr));
        Assert.True(sandbox.Status("var/cache/fresh")!.Value.IsRegularFile);
    }

    [Fact]
    public async Task UnpackAsync_DirectoryTimes_AreSetAfterChildrenAreWritten()
    {
        var tar = new TarBuilder().Directory("d", mtime: 1_000_000_000).File("d/child", "x").Directory("d/e", mtime: 1_000_000_001).Build();

        await sandbox.UnpackAsync(tar);

        Assert.Equal(1_000_000_000, sandbox.Status("d")!.Value.ModificationTime.Seconds);
        Assert.Equal(1_000_000_001, sandbox.Status("d/e")!.Value.ModificationTime.Seconds);
    }

    [Fact]
    public async Task UnpackAsync_DeepPath_IsCreated()
    {
        var deep = string.Concat(Enumerable.Repeat("d/", 2000)) + "leaf";
        var tar = new TarBuilder().Pax("path", deep).File("short", "deep").Build();

        await sandbox.UnpackAsync(tar);

        Assert.True(sandbox.Status(deep)!.Value.IsRegularFile);
    }

    private void AssertEntry(string path, string mode, uint uid, uint gid, long mtime)
    {
        var status = sandbox.Status(path)!.Value;
        Assert.Equal(TarBuilder.Octal(mode), status.Permissions);
        Assert.Equal((uid, gid), (status.Uid, status.Gid));
        Assert.Equal(mtime, status.ModificationTime.Seconds);
    }
}
