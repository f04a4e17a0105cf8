using System.Diagnostics;

namespace Minato.Tests.Images;

/// <summary>Unpacked snapshots mounted as real overlayfs lower layers: whiteouts and opaque directories must hide lower content.</summary>
public sealed class OverlayLowerLayerTests : IDisposable
{
    private readonly SnapshotSandbox lower = new();
    private readonly SnapshotSandbox upper = new();

    public void Dispose()
    {
        upper.Dispose();
        lower.Dispose();
    }

    [Fact]
    public async Task UnpackAsync_WhiteoutsAndOpaqueDirectories_HideLowerContentWhenMounted()
    {
        await lower.UnpackAsync(new TarBuilder()
            .File("etc/keep", "kept")
            .File("etc/motd", "old motd")
            .File("var/cache/stale", "stale")
            .File("gone", "gone")
            .File("bin/sh", "shell")
            .HardLink("bin/ash", "bin/sh")
            .Build());
        await upper.UnpackAsync(new TarBuilder()
            .File("etc/.wh.motd", "")
            .File("var/cache/.wh..wh..opq", "")
            .File("var/cache/fresh", "fresh")
            .File(".wh.gone", "")
            .Build());
        var merged = Path.Combine(upper.Base, "merged");
        Directory.CreateDirectory(merged);

        await RunAsync("mount", "-t", "overlay", "overlay", "-o", $"lowerdir={upper.Root}:{lower.Root}", merged);
        try
        {
            Assert.Equal("kept", File.ReadAllText(Path.Combine(merged, "etc/keep")));
            Assert.False(Path.Exists(Path.Combine(merged, "etc/motd")));
            Assert.False(Path.Exists(Path.Combine(merged, "gone")));
            Assert.Equal(["fresh"], Directory.GetFileSystemEntries(Path.Combine(merged, "var/cache")).Select(Path.GetFileName));
            Assert.Equal("shell", File.ReadAllText(Path.Combine(merged, "bin/ash")));
        }
        finally
        {
            await RunAsync("umount", merged);
        }
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error}");
    }
}
