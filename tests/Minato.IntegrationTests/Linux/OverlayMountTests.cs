using Minato.Engine.Linux;

namespace Minato.IntegrationTests.Linux;

/// <summary>Overlay mounts of many layers with long paths, as deep images need.</summary>
public sealed class OverlayMountTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minato-it-overlay-").FullName;
    private readonly LinuxOverlayMounts _mounts = new();

    public void Dispose()
    {
        _mounts.Unmount(Path.Combine(_dir, "rootfs"));
        _mounts.Unmount(Path.Combine(_dir, "image"));
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(127)]
    public void MountOverlay_LayersWithSnapshotLengthPaths_EveryLayerVisibleAndTheTopOneWins(int count)
    {
        // 64-hex names, as snapshot directories have: 127 of them are about 12 KiB of lowerdir option.
        var lowers = Enumerable.Range(0, count).Select(i =>
        {
            var layer = Path.Combine(_dir, "snapshots", $"{i:x64}", "fs");
            Directory.CreateDirectory(layer);
            File.WriteAllText(Path.Combine(layer, $"layer-{i}"), $"{i}");
            File.WriteAllText(Path.Combine(layer, "shared"), $"{i}");
            return layer;
        }).Reverse().ToList();
        var rootfs = Path.Combine(_dir, "rootfs");

        _mounts.MountOverlay(rootfs, lowers, Path.Combine(_dir, "layer", "upper"), Path.Combine(_dir, "layer", "work"));

        Assert.True(_mounts.IsMounted(rootfs));
        Assert.Equal(count, Directory.GetFiles(rootfs, "layer-*").Length);
        Assert.Equal($"{count - 1}", File.ReadAllText(Path.Combine(rootfs, "shared")));
        File.WriteAllText(Path.Combine(rootfs, "written"), "upper");
        Assert.True(File.Exists(Path.Combine(_dir, "layer", "upper", "written")));

        // The daemon's own working directory is untouched by the short-path mount.
        Assert.NotEqual(Path.Combine(_dir, "layer", "lower"), Environment.CurrentDirectory);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(127)]
    public void MountReadOnlyOverlay_Layers_MergedViewReadOnlyNoexecAndNothingWrittenAnywhere(int count)
    {
        var lowers = Enumerable.Range(0, count).Select(i =>
        {
            var layer = Path.Combine(_dir, "snapshots", $"{i:x64}", "fs");
            Directory.CreateDirectory(layer);
            File.WriteAllText(Path.Combine(layer, $"layer-{i}"), $"{i}");
            File.WriteAllText(Path.Combine(layer, "shared"), $"{i}");
            return layer;
        }).Reverse().ToList();
        var image = Path.Combine(_dir, "image");

        _mounts.MountReadOnlyOverlay(image, lowers);

        Assert.True(_mounts.IsMounted(image));
        Assert.Equal(count, Directory.GetFiles(image, "layer-*").Length);
        Assert.Equal($"{count - 1}", File.ReadAllText(Path.Combine(image, "shared")));
        var options = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Single(f => f.Length > 5 && f[4] == image)[5];
        Assert.Equal(["ro", "nosuid", "nodev", "noexec"], options.Split(',').Take(4));
        var error = Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Combine(image, "written"), "x"));
        Assert.Contains("Read-only", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.All(lowers, l => Assert.False(File.Exists(Path.Combine(l, "written"))));

        _mounts.Unmount(image);

        Assert.False(_mounts.IsMounted(image));
        Assert.Empty(Directory.EnumerateFileSystemEntries(image));
    }
}
