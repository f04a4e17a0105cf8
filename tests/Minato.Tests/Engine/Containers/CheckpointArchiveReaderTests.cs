using System.Formats.Tar;
using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Linux;
using Minato.Testing.Images;

namespace Minato.Tests.Engine.Containers;

public sealed class CheckpointArchiveReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Staging => _dir.Combine("state", "checkpoints", "one");

    [Fact]
    public async Task UnpackAsync_ValidArchive_ReturnsTheDumpsAndDeletedFiles()
    {
        var archive = CheckpointArchiveBuilder.Valid("example.com/app:1", "sh", "-c", "count")
            .RootfsDiff(new Dictionary<string, string> { ["count"] = "41" })
            .DeletedFiles("""["/etc/motd","var//cache/./x"]""")
            .WriteTo(_dir.Combine("c.tar"));

        using var unpacked = await CheckpointArchiveReader.UnpackAsync(archive, Staging, CancellationToken.None);

        Assert.Equal("example.com/app:1", unpacked.Config.RootfsImageName);
        Assert.Equal("counter", unpacked.Config.Name);
        Assert.Equal(["sh", "-c", "count"], unpacked.Spec.Process.Args);
        Assert.Equal(["etc/motd", "var/cache/x"], unpacked.DeletedFiles);
        Assert.True(File.Exists(Path.Combine(unpacked.ImageDirectory, "inventory.img")));
        Assert.True(File.Exists(unpacked.RootfsDiff));
    }

    [Fact]
    public async Task Dispose_Unpacked_RemovesTheDirectory()
    {
        var archive = CheckpointArchiveBuilder.Valid("example.com/app:1", "true").WriteTo(_dir.Combine("c.tar"));
        var unpacked = await CheckpointArchiveReader.UnpackAsync(archive, Staging, CancellationToken.None);

        unpacked.Dispose();

        Assert.False(Directory.Exists(Staging));
    }

    [Fact]
    public async Task UnpackAsync_MissingArchive_NotFound()
    {
        var error = await Assert.ThrowsAsync<NotFoundException>(() =>
            CheckpointArchiveReader.UnpackAsync(_dir.Combine("none.tar"), Staging, CancellationToken.None));

        Assert.Contains("none.tar", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Staging));
    }

    [Fact]
    public async Task UnpackAsync_Fifo_InvalidInputWithoutWaitingForAWriter()
    {
        using (var root = RootedDirectory.Open(_dir.Path))
        {
            root.CreateNode("fifo", 0x1000, 0, 0);
        }

        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            CheckpointArchiveReader.UnpackAsync(_dir.Combine("fifo"), Staging, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Staging));
    }

    public static TheoryData<string, string> HostileArchives => new()
    {
        { "not-a-tar", "not a well-formed tar" },
        { "traversal", "../escape" },
        { "symlink-config", "config.dump is not a regular file" },
        { "symlink-in-checkpoint", "is not a regular file or directory" },
        { "huge-config", "config.dump is 2097152 bytes, more than the 1048576 allowed" },
        { "no-checkpoint", "no checkpoint/ directory" },
        { "no-spec", "it has no spec.dump" },
        { "bad-config", "config.dump is not valid" },
        { "config-null", "config.dump is JSON null" },
        { "spec-without-process", "spec.dump is not valid" },
        { "deleted-escapes", "names \"../../etc/passwd\"" },
        { "deleted-root", "names \"/\"" },
        { "deleted-not-a-list", "deleted.files is not valid" },
    };

    [Theory]
    [MemberData(nameof(HostileArchives))]
    public async Task UnpackAsync_HostileArchive_InvalidInputNamingArchiveAndNothingLeft(string kind, string expected)
    {
        var archive = _dir.Combine(kind + ".tar");
        var valid = CheckpointArchiveBuilder.Valid("example.com/app:1", "true");
        var builder = kind switch
        {
            "traversal" => valid.File("../escape", "out"),
            "symlink-config" => valid.Symlink("config.dump", "/etc/passwd"),
            "symlink-in-checkpoint" => valid.Symlink("checkpoint/pages-1.img", "/etc/shadow"),
            "huge-config" => valid.File("config.dump", new byte[2 << 20]),
            "no-checkpoint" => valid.Without("checkpoint"),
            "no-spec" => valid.Without("spec.dump"),
            "bad-config" => valid.File("config.dump", "{\"id\":"),
            "config-null" => valid.File("config.dump", "null"),
            "spec-without-process" => valid.File("spec.dump", """{"root":{"path":"rootfs"},"linux":{}}"""),
            "deleted-escapes" => valid.DeletedFiles("""["/ok","../../etc/passwd"]"""),
            "deleted-root" => valid.DeletedFiles("""["/"]"""),
            "deleted-not-a-list" => valid.DeletedFiles("""{"path":"/x"}"""),
            _ => null,
        };
        if (builder is null)
        {
            await File.WriteAllBytesAsync(archive, Enumerable.Repeat((byte)'x', 3000).ToArray());
        }
        else
        {
            builder.WriteTo(archive);
        }

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => CheckpointArchiveReader.UnpackAsync(archive, Staging, CancellationToken.None));

        Assert.Contains(archive, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Staging), "unpack directory left");
        Assert.False(File.Exists(_dir.Combine("state", "checkpoints", "escape")), "an entry escaped");
    }

    [Fact]
    public async Task UnpackAsync_DeviceNode_InvalidInput()
    {
        var archive = CheckpointArchiveBuilder.Valid("example.com/app:1", "true").Build();
        using var output = new MemoryStream();
        output.Write(archive.AsSpan(0, archive.Length - 1024)); // drop the end-of-archive marker to append one entry
        using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.BlockDevice, "checkpoint/disk") { DeviceMajor = 8, DeviceMinor = 0 });
        }

        var path = _dir.Combine("device.tar");
        await File.WriteAllBytesAsync(path, output.ToArray());

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => CheckpointArchiveReader.UnpackAsync(path, Staging, CancellationToken.None));

        Assert.Contains("checkpoint/disk", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Staging));
    }

    [Theory]
    [InlineData("/etc/motd", "etc/motd")]
    [InlineData("etc//./motd", "etc/motd")]
    [InlineData("/", null)]
    [InlineData("", null)]
    [InlineData("a/../../b", null)]
    [InlineData("a/..", null)]
    [InlineData("x\0y", null)]
    public void CleanRootfsPath_Input_CleanPathOrNull(string input, string? expected) =>
        Assert.Equal(expected, CheckpointArchiveReader.CleanRootfsPath(input));

    [Fact]
    public void CopyFromSnapshot_ValidLayer_CopiesIntoTheStagingDirectoryAndLeavesTheLayerAsItWas()
    {
        var snapshot = CheckpointArchiveBuilder.Valid("example.com/app:1", "sh", "-c", "count")
            .RootfsDiff(new Dictionary<string, string> { ["count"] = "41" })
            .DeletedFiles("""["/etc/motd"]""")
            .ExtractTo(_dir.Combine("snapshot"));
        var before = Listing(snapshot);

        using var unpacked = CheckpointArchiveReader.CopyFromSnapshot("example.com/ckpt:1", snapshot, Staging);

        Assert.True(unpacked.FromImage);
        Assert.Equal("checkpoint image example.com/ckpt:1", unpacked.Source);
        Assert.Equal(Staging, unpacked.Directory);
        Assert.Equal("example.com/app:1", unpacked.Config.RootfsImageName);
        Assert.Equal(["sh", "-c", "count"], unpacked.Spec.Process.Args);
        Assert.Equal(["etc/motd"], unpacked.DeletedFiles);
        Assert.Equal("not a CRIU image", File.ReadAllText(Path.Combine(unpacked.ImageDirectory, "inventory.img")));
        Assert.True(File.Exists(unpacked.RootfsDiff));
        Assert.Equal(before, Listing(snapshot));
        unpacked.Dispose();
        Assert.Equal(before, Listing(snapshot));
    }

    [Fact]
    public void CopyFromSnapshot_Symlink_InvalidInputNamingTheImageAndNothingLeft()
    {
        var snapshot = CheckpointArchiveBuilder.Valid("example.com/app:1", "true").Without("config.dump").ExtractTo(_dir.Combine("snapshot"));
        File.CreateSymbolicLink(Path.Combine(snapshot, "config.dump"), "/etc/passwd");

        var error = Assert.Throws<InvalidInputException>(() => CheckpointArchiveReader.CopyFromSnapshot("example.com/ckpt:1", snapshot, Staging));

        Assert.Contains("checkpoint image example.com/ckpt:1 is not usable", error.Message, StringComparison.Ordinal);
        Assert.Contains("config.dump is not a regular file or directory", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Staging));
        Assert.True(File.Exists(Path.Combine(snapshot, "config.dump")));
    }

    [Theory]
    [InlineData("checkpoint", "no checkpoint/ directory")]
    [InlineData("config.dump", "it has no config.dump")]
    [InlineData("spec.dump", "it has no spec.dump")]
    public void CopyFromSnapshot_MissingPart_InvalidInputNamingTheImageAndWhatIsMissing(string without, string says)
    {
        var snapshot = CheckpointArchiveBuilder.Valid("example.com/app:1", "true").Without(without).ExtractTo(_dir.Combine("snapshot"));

        var error = Assert.Throws<InvalidInputException>(() => CheckpointArchiveReader.CopyFromSnapshot("example.com/ckpt:1", snapshot, Staging));

        Assert.Contains("checkpoint image example.com/ckpt:1", error.Message, StringComparison.Ordinal);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Staging));
    }

    [Fact]
    public void CopyFromSnapshot_DeletedFileOutsideTheRootfs_InvalidInput()
    {
        var snapshot = CheckpointArchiveBuilder.Valid("example.com/app:1", "true").DeletedFiles("""["../../etc/passwd"]""").ExtractTo(_dir.Combine("snapshot"));

        var error = Assert.Throws<InvalidInputException>(() => CheckpointArchiveReader.CopyFromSnapshot("example.com/ckpt:1", snapshot, Staging));

        Assert.Contains("deleted.files", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Staging));
    }

    private static List<string> Listing(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories)
            .Select(p => p + ":" + (File.Exists(p) ? File.ReadAllText(p) : "dir")).Order(StringComparer.Ordinal)];
}
