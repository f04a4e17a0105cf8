using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using Minato.Engine.Containers;
using Minato.Engine.Linux;

namespace Minato.Tests.Engine.Containers;

public sealed class CheckpointArchiveTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task WriteAsync_FakeCheckpointDirectory_WritesTheCriOLayout()
    {
        var images = _dir.Combine("images");
        _dir.Write("images/inventory.img", "inventory");
        _dir.Write("images/pages-1.img", "pages");
        var upper = _dir.Combine("upper");
        _dir.Write("upper/etc/app.conf", "setting=1");
        File.CreateSymbolicLink(_dir.Combine("upper", "etc", "link"), "app.conf");
        using (var root = RootedDirectory.Open(upper))
        {
            root.CreateNode("etc/gone", 0x2000, 0, 0); // an overlay whiteout: char device 0/0
        }

        Directory.CreateDirectory(_dir.Combine("scratch"));
        var dumpLog = _dir.Write("dump.log", "(00.1) Dumping finished successfully");
        var config = new CheckpointConfigDump
        {
            Id = "abc",
            Name = "counter",
            RootfsImage = "sha256:" + new string('1', 64),
            RootfsImageName = "docker.io/library/busybox:latest",
            Runtime = "runc",
            CreatedTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            CheckpointedTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_100),
        };

        using var output = new MemoryStream();
        await CheckpointArchive.WriteAsync(output, images, config, Encoding.UTF8.GetBytes("""{"ociVersion":"1.0.2"}"""), upper,
            _dir.Combine("scratch"), dumpLog, CancellationToken.None);

        var entries = ReadTar(output.ToArray());
        Assert.Equal(
            ["checkpoint/", "checkpoint/inventory.img", "checkpoint/pages-1.img", "config.dump", "spec.dump", "rootfs-diff.tar", "deleted.files", "dump.log"],
            entries.Select(e => e.Name));
        Assert.Equal("pages", Encoding.UTF8.GetString(entries.Single(e => e.Name == "checkpoint/pages-1.img").Data));
        using var dump = JsonDocument.Parse(entries.Single(e => e.Name == "config.dump").Data);
        Assert.Equal("abc", dump.RootElement.GetProperty("id").GetString());
        Assert.Equal("counter", dump.RootElement.GetProperty("name").GetString());
        Assert.Equal("docker.io/library/busybox:latest", dump.RootElement.GetProperty("rootfsImageName").GetString());
        Assert.Equal("runc", dump.RootElement.GetProperty("runtime").GetString());
        Assert.Equal(config.CreatedTime, dump.RootElement.GetProperty("createdTime").GetDateTimeOffset());
        Assert.Equal("""{"ociVersion":"1.0.2"}""", Encoding.UTF8.GetString(entries.Single(e => e.Name == "spec.dump").Data));
        Assert.Equal(["/etc/gone"], JsonSerializer.Deserialize<string[]>(entries.Single(e => e.Name == "deleted.files").Data)!);

        var layer = ReadTar(entries.Single(e => e.Name == "rootfs-diff.tar").Data);
        Assert.Equal(["etc/", "etc/app.conf", "etc/link"], layer.Select(e => e.Name));
        Assert.Equal("setting=1", Encoding.UTF8.GetString(layer.Single(e => e.Name == "etc/app.conf").Data));
        Assert.Equal(("app.conf", TarEntryType.SymbolicLink), (layer.Single(e => e.Name == "etc/link").LinkName, layer.Single(e => e.Name == "etc/link").Type));
    }

    [Fact]
    public async Task WriteLayerAsync_SymlinkToAHostFile_IsStoredAsALinkNeverFollowed()
    {
        var upper = _dir.Combine("upper");
        Directory.CreateDirectory(upper);
        var secret = _dir.Write("host-secret", "do not copy");
        File.CreateSymbolicLink(Path.Combine(upper, "escape"), secret);
        File.CreateSymbolicLink(Path.Combine(upper, "escape-dir"), _dir.Path);

        using var output = new MemoryStream();
        var deleted = await CheckpointArchive.WriteLayerAsync(output, upper, CancellationToken.None);

        var layer = ReadTar(output.ToArray());
        Assert.Empty(deleted);
        Assert.Equal(["escape", "escape-dir"], layer.Select(e => e.Name));
        Assert.All(layer, e => Assert.Equal(TarEntryType.SymbolicLink, e.Type));
        Assert.DoesNotContain("do not copy", Encoding.UTF8.GetString(output.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteLayerAsync_NoUpperDirectory_WritesAnEmptyTar()
    {
        using var output = new MemoryStream();

        var deleted = await CheckpointArchive.WriteLayerAsync(output, _dir.Combine("missing"), CancellationToken.None);

        Assert.Empty(deleted);
        Assert.Empty(ReadTar(output.ToArray()));
    }

    internal static List<(string Name, TarEntryType Type, string LinkName, byte[] Data)> ReadTar(byte[] bytes)
    {
        var entries = new List<(string, TarEntryType, string, byte[])>();
        using var reader = new TarReader(new MemoryStream(bytes));
        while (reader.GetNextEntry() is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            entries.Add((entry.Name, entry.EntryType, entry.LinkName, data.ToArray()));
        }

        return entries;
    }
}
