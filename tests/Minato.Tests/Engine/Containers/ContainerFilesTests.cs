using System.Formats.Tar;
using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Linux;

namespace Minato.Tests.Engine.Containers;

/// <summary>Paths resolved as inside a container, tars written from and read into a fixture rootfs, hostile input.</summary>
public sealed class ContainerFilesTests
{
    private static readonly UnpackLimits Limits = new() { MaxBytes = 1 << 20, MaxEntries = 100 };

    [Fact]
    public void Resolve_AbsoluteSymlinkAndDotDot_StayInsideTheRoot()
    {
        using var dirs = new TempDirectory();
        dirs.Write("rootfs/etc/hostname", "inside\n");
        Directory.CreateDirectory(dirs.Combine("rootfs", "tmp"));
        File.CreateSymbolicLink(dirs.Combine("rootfs", "tmp", "etc"), "/etc");
        File.CreateSymbolicLink(dirs.Combine("rootfs", "tmp", "up"), "../../../../..");
        using var root = ContainerTree.RootfsOnly(RootedDirectory.Open(dirs.Combine("rootfs")));

        Assert.Equal("etc/hostname", ContainerFiles.Resolve(root, "/tmp/etc/hostname", followLast: false));
        Assert.Equal("etc/passwd", ContainerFiles.Resolve(root, "/../../../etc/passwd", followLast: false));
        Assert.Equal(string.Empty, ContainerFiles.Resolve(root, "/tmp/up", followLast: true));
        Assert.Equal("tmp/etc", ContainerFiles.Resolve(root, "/tmp/etc", followLast: false));
        Assert.Equal("/etc", ContainerFiles.Stat(root, "tmp/etc")!.LinkTarget);
    }

    [Fact]
    public void Resolve_SymlinkLoopOrEmptyPath_InvalidInput()
    {
        using var dirs = new TempDirectory();
        Directory.CreateDirectory(dirs.Combine("rootfs"));
        File.CreateSymbolicLink(dirs.Combine("rootfs", "a"), "/b");
        File.CreateSymbolicLink(dirs.Combine("rootfs", "b"), "/a");
        using var root = ContainerTree.RootfsOnly(RootedDirectory.Open(dirs.Combine("rootfs")));

        Assert.Throws<InvalidInputException>(() => ContainerFiles.Resolve(root, "/a/x", followLast: false));
        Assert.Throws<InvalidInputException>(() => ContainerFiles.Resolve(root, "", followLast: false));
    }

    [Fact]
    public async Task WriteTarAsync_DirectoryWithSymlink_StoresTheLinkAndRebasesNames()
    {
        using var dirs = new TempDirectory();
        dirs.Write("rootfs/srv/d/file", "data");
        File.CreateSymbolicLink(dirs.Combine("rootfs", "srv", "d", "host"), "/etc");
        using var root = ContainerTree.RootfsOnly(RootedDirectory.Open(dirs.Combine("rootfs")));
        var output = new MemoryStream();

        await ContainerFiles.WriteTarAsync(root, "srv/d", "copy", output, CancellationToken.None);

        output.Position = 0;
        var entries = new List<TarEntry>();
        using var reader = new TarReader(output);
        while (reader.GetNextEntry() is { } entry)
        {
            entries.Add(entry);
        }

        Assert.Equal(["copy/", "copy/file", "copy/host"], entries.Select(e => e.Name));
        Assert.Equal(TarEntryType.SymbolicLink, entries[2].EntryType);
        Assert.Equal("/etc", entries[2].LinkName);
        Assert.Equal(4, entries[1].Length);
    }

    [Fact]
    public async Task ExtractAsync_AbsoluteSymlinkThenWriteThroughIt_StaysInTheDestination()
    {
        using var dirs = new TempDirectory();
        Directory.CreateDirectory(dirs.Combine("rootfs", "tmp"));
        Directory.CreateDirectory(dirs.Combine("outside"));
        using var root = ContainerTree.RootfsOnly(RootedDirectory.Open(dirs.Combine("rootfs")));
        var tar = Tar(
            new PaxTarEntry(TarEntryType.SymbolicLink, "out") { LinkName = dirs.Combine("outside") },
            new PaxTarEntry(TarEntryType.RegularFile, "out/pwned") { DataStream = new MemoryStream("x"u8.ToArray()) });

        try
        {
            await ContainerFiles.ExtractAsync(root, "tmp", tar, new UnpackOptions { Whiteouts = false, Owner = (0, 0) }, Limits, CancellationToken.None);
        }
        catch (UnsafeLayerException)
        {
            // Refusing is as good as containing.
        }

        Assert.Empty(Directory.GetFileSystemEntries(dirs.Combine("outside")));
    }

    [Fact]
    public async Task ExtractAsync_DotDotEntry_Refused()
    {
        using var dirs = new TempDirectory();
        Directory.CreateDirectory(dirs.Combine("rootfs", "tmp"));
        using var root = ContainerTree.RootfsOnly(RootedDirectory.Open(dirs.Combine("rootfs")));
        var tar = Tar(new PaxTarEntry(TarEntryType.RegularFile, "../../escaped") { DataStream = new MemoryStream("x"u8.ToArray()) });

        await Assert.ThrowsAsync<UnsafeLayerException>(() =>
            ContainerFiles.ExtractAsync(root, "tmp", tar, new UnpackOptions { Whiteouts = false }, Limits, CancellationToken.None));
        Assert.False(File.Exists(dirs.Combine("escaped")));
    }

    [Fact]
    public async Task ExtractAsync_WhiteoutNameAndKeepKinds_WrittenAsFileAndDirectoryNotReplaced()
    {
        using var dirs = new TempDirectory();
        Directory.CreateDirectory(dirs.Combine("rootfs", "dest", "keep"));
        dirs.Write("rootfs/dest/old", "old");
        using var root = ContainerTree.RootfsOnly(RootedDirectory.Open(dirs.Combine("rootfs")));
        var options = new UnpackOptions { Whiteouts = false, KeepKinds = true, Owner = (0, 0) };

        await ContainerFiles.ExtractAsync(
            root, "dest", Tar(new PaxTarEntry(TarEntryType.RegularFile, ".wh.old") { DataStream = new MemoryStream("w"u8.ToArray()) }), options, Limits, CancellationToken.None);
        var replace = Tar(new PaxTarEntry(TarEntryType.RegularFile, "keep") { DataStream = new MemoryStream("f"u8.ToArray()) });

        Assert.Equal("w", File.ReadAllText(dirs.Combine("rootfs", "dest", ".wh.old")));
        Assert.Equal("old", File.ReadAllText(dirs.Combine("rootfs", "dest", "old")));
        await Assert.ThrowsAsync<UnsafeLayerException>(() => ContainerFiles.ExtractAsync(root, "dest", replace, options, Limits, CancellationToken.None));
        Assert.True(Directory.Exists(dirs.Combine("rootfs", "dest", "keep")));
    }

    [Fact]
    public async Task ExtractAsync_DestinationNotADirectory_InvalidInput()
    {
        using var dirs = new TempDirectory();
        dirs.Write("rootfs/file", "x");
        using var root = ContainerTree.RootfsOnly(RootedDirectory.Open(dirs.Combine("rootfs")));

        await Assert.ThrowsAsync<InvalidInputException>(() =>
            ContainerFiles.ExtractAsync(root, "file", Tar(), UnpackOptions.Layer, Limits, CancellationToken.None));
    }

    [Fact]
    public async Task Tree_VolumeOverTheRootfs_ReadAndWrittenInTheVolumeAndReadOnlyRefused()
    {
        using var dirs = new TempDirectory();
        dirs.Write("rootfs/data/hidden", "under the mount");
        dirs.Write("volume/seen", "in the volume");
        Directory.CreateDirectory(dirs.Combine("config"));

        // The runtime makes every mount point in the rootfs.
        Directory.CreateDirectory(dirs.Combine("rootfs", "etc", "conf"));
        using var root = ContainerTree.Open(
            RootedDirectory.Open(dirs.Combine("rootfs")),
            [new TreeMount("data", dirs.Combine("volume"), false), new TreeMount("etc/conf", dirs.Combine("config"), true)]);

        var names = root.List("data", 10);
        await ContainerFiles.ExtractAsync(root, "data", Tar(new PaxTarEntry(TarEntryType.RegularFile, "new") { DataStream = new MemoryStream("n"u8.ToArray()) }),
            UnpackOptions.Layer, Limits, CancellationToken.None);

        Assert.Equal(["seen"], names);
        Assert.Equal(["conf"], root.List("etc", 10));
        Assert.Equal("n", File.ReadAllText(dirs.Combine("volume", "new")));
        await Assert.ThrowsAsync<InvalidInputException>(() =>
            ContainerFiles.ExtractAsync(root, "etc/conf", Tar(), UnpackOptions.Layer, Limits, CancellationToken.None));
    }

    private static MemoryStream Tar(params TarEntry[] entries)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        stream.Position = 0;
        return stream;
    }
}
