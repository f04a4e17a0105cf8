using System.Diagnostics;
using System.Formats.Tar;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Linux;

namespace Minato.Tests.Images;

/// <summary>Changes made through a real overlayfs mount, written as a layer tar, then unpacked and stacked again.</summary>
public sealed class LayerDiffWriterTests : IDisposable
{
    private readonly SnapshotSandbox lower = new();
    private readonly SnapshotSandbox copy = new();
    private readonly string upper;
    private readonly string work;
    private readonly string merged;

    public LayerDiffWriterTests()
    {
        upper = Path.Combine(lower.Base, "upper");
        work = Path.Combine(lower.Base, "work");
        merged = Path.Combine(lower.Base, "merged");
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(merged);
    }

    public void Dispose()
    {
        copy.Dispose();
        lower.Dispose();
    }

    [Fact]
    public async Task WriteAsync_ChangesThroughOverlay_WritesWhiteoutsOpaqueDirectoriesAndMetadata()
    {
        await lower.UnpackAsync(new TarBuilder()
            .File("etc/keep", "kept")
            .File("etc/motd", "old motd")
            .File("var/cache/stale", "stale")
            .File("gone", "gone")
            .Build());
        await MountAsync();
        try
        {
            File.Delete(Path.Combine(merged, "etc/motd"));
            File.Delete(Path.Combine(merged, "gone"));
            Directory.Delete(Path.Combine(merged, "var/cache"), recursive: true);
            Directory.CreateDirectory(Path.Combine(merged, "var/cache"));
            await File.WriteAllTextAsync(Path.Combine(merged, "var/cache/fresh"), "fresh");
            Directory.CreateDirectory(Path.Combine(merged, "app"));
            await File.WriteAllTextAsync(Path.Combine(merged, "app/run.sh"), "#!/bin/sh\n");
            File.SetUnixFileMode(Path.Combine(merged, "app/run.sh"), (UnixFileMode)0x1ED);
            await RunAsync("chown", "1000:2000", Path.Combine(merged, "app/run.sh"));
            File.SetLastWriteTimeUtc(Path.Combine(merged, "app/run.sh"), new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc));
            File.CreateSymbolicLink(Path.Combine(merged, "app/link"), "/etc/passwd");
            await RunAsync("ln", Path.Combine(merged, "app/run.sh"), Path.Combine(merged, "app/again.sh"));
            using (var handle = File.OpenHandle(Path.Combine(merged, "app/run.sh")))
            {
                handle.SetExtendedAttribute("user.note", "hello"u8);
            }
        }
        finally
        {
            await RunAsync("umount", merged);
        }

        var tar = new MemoryStream();
        await LayerDiffWriter.WriteAsync(upper, [lower.Root], tar, CancellationToken.None);
        var entries = Read(tar.ToArray());

        Assert.Equal(TarEntryType.RegularFile, entries[".wh.gone"].EntryType);
        Assert.Equal(0, entries["etc/.wh.motd"].Length);
        Assert.True(entries.ContainsKey("var/cache/.wh..wh..opq"));
        // "again.sh" sorts first, so it carries the content and "run.sh" links to it.
        var script = entries["app/again.sh"];
        Assert.Equal((UnixFileMode)0x1ED, script.Mode);
        Assert.Equal((1000, 2000), (script.Uid, script.Gid));
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero), script.ModificationTime);
        Assert.Equal("hello", ((PaxTarEntry)script).ExtendedAttributes["SCHILY.xattr.user.note"]);
        Assert.Equal((TarEntryType.HardLink, "app/again.sh"), (entries["app/run.sh"].EntryType, entries["app/run.sh"].LinkName));
        Assert.Equal("/etc/passwd", entries["app/link"].LinkName);
        Assert.False(entries.ContainsKey("etc/keep"));

        // Unpacked and stacked on the same lower layer, the tar shows what the container saw.
        tar.Position = 0;
        await copy.UnpackAsync(tar);
        await RunAsync("mount", "-t", "overlay", "overlay", "-o", $"lowerdir={copy.Root}:{lower.Root}", merged);
        try
        {
            Assert.Equal("kept", File.ReadAllText(Path.Combine(merged, "etc/keep")));
            Assert.False(Path.Exists(Path.Combine(merged, "etc/motd")));
            Assert.False(Path.Exists(Path.Combine(merged, "gone")));
            Assert.Equal(["fresh"], Directory.GetFileSystemEntries(Path.Combine(merged, "var/cache")).Select(Path.GetFileName));
            Assert.Equal("#!/bin/sh\n", File.ReadAllText(Path.Combine(merged, "app/again.sh")));
            using var view = RootedDirectory.Open(merged);
            Assert.Equal(2u, view.GetStatus("app/run.sh")!.Value.LinkCount);
        }
        finally
        {
            await RunAsync("umount", merged);
        }
    }

    [Fact]
    public async Task WriteAsync_SameUpperTwice_WritesIdenticalBytes()
    {
        Directory.CreateDirectory(Path.Combine(upper, "a/b"));
        await File.WriteAllTextAsync(Path.Combine(upper, "a/b/c"), "c");
        await File.WriteAllTextAsync(Path.Combine(upper, "z"), "z");

        var first = new MemoryStream();
        var second = new MemoryStream();
        await LayerDiffWriter.WriteAsync(upper, [], first, CancellationToken.None);
        await LayerDiffWriter.WriteAsync(upper, [], second, CancellationToken.None);

        Assert.Equal(first.ToArray(), second.ToArray());
        Assert.Equal(["a/", "a/b/", "a/b/c", "z"], Read(first.ToArray()).Keys);
    }

    [Fact]
    public async Task WriteAsync_SymlinkToOutside_IsStoredNotFollowed()
    {
        Directory.CreateDirectory(Path.Combine(upper, "d"));
        File.CreateSymbolicLink(Path.Combine(upper, "escape"), lower.Sentinel);

        var tar = new MemoryStream();
        await LayerDiffWriter.WriteAsync(upper, [], tar, CancellationToken.None);

        var entries = Read(tar.ToArray());
        Assert.Equal(TarEntryType.SymbolicLink, entries["escape"].EntryType);
        Assert.DoesNotContain(entries.Keys, k => k.Contains("canary", StringComparison.Ordinal));
    }

    private static Dictionary<string, TarEntry> Read(byte[] tar)
    {
        var entries = new Dictionary<string, TarEntry>(StringComparer.Ordinal);
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            entries.Add(entry.Name, entry);
        }

        return entries;
    }

    private Task MountAsync() =>
        RunAsync("mount", "-t", "overlay", "overlay", "-o", $"lowerdir={lower.Root},upperdir={upper},workdir={work}", merged);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error}");
    }
}
