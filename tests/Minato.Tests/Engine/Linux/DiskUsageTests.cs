using System.Diagnostics;
using System.Globalization;
using Minato.Engine.Linux;

namespace Minato.Tests.Engine.Linux;

/// <summary>Disk use of a real temporary tree, checked against coreutils' <c>du -s -B1</c> on the same tree.</summary>
public sealed class DiskUsageTests
{
    [Fact]
    public void Measure_DirectoriesTinyFilesLinksAndAWhiteout_MatchesDu()
    {
        using var root = new TempDirectory();
        Directory.CreateDirectory(root.Combine("a/b/c"));
        Directory.CreateDirectory(root.Combine("empty"));
        root.Write("a/one", "1");
        root.Write("a/b/two", "22");
        root.Write("big", new string('x', 100_000));
        File.CreateSymbolicLink(root.Combine("a/link"), "/nowhere/at/all");
        Run("ln", root.Combine("big"), root.Combine("a/b/hard"));
        var whiteout = Mknod(root.Combine("a/deleted"));

        var usage = DiskUsage.Measure(root.Path, 1000);

        Assert.Equal(Du(root.Path), usage.Bytes);
        Assert.True(usage.Bytes > 100_000);
        Assert.Equal(whiteout ? 10UL : 9UL, usage.Inodes);
        Assert.True(usage.Complete);
    }

    [Fact]
    public void Measure_OnlyEmptyDirectories_CountsTheirBlocks()
    {
        using var root = new TempDirectory();
        Directory.CreateDirectory(root.Combine("x/y/z"));

        var usage = DiskUsage.Measure(root.Path, 1000);

        Assert.True(usage.Bytes > 0, "directories hold blocks");
        Assert.Equal(Du(root.Path), usage.Bytes);
        Assert.Equal(4UL, usage.Inodes);
    }

    [Fact]
    public void Measure_MoreEntriesThanTheBound_StopsAndSaysSo()
    {
        using var root = new TempDirectory();
        for (var i = 0; i < 20; i++)
        {
            root.Write($"f{i}", "x");
        }

        var usage = DiskUsage.Measure(root.Path, 5);

        Assert.False(usage.Complete);
        Assert.True(usage.Inodes <= 5, $"{usage.Inodes} inodes");
    }

    [Fact]
    public void Measure_Missing_IsZero()
    {
        using var root = new TempDirectory();

        Assert.Equal(new DiskUsage(0, 0, true), DiskUsage.Measure(root.Combine("absent"), 10));
    }

    private static ulong Du(string path)
    {
        using var du = Process.Start(new ProcessStartInfo("du", ["-s", "-B1", path]) { RedirectStandardOutput = true })!;
        var output = du.StandardOutput.ReadToEnd();
        du.WaitForExit();
        return ulong.Parse(output.Split('\t')[0], CultureInfo.InvariantCulture);
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments))!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>An overlayfs whiteout (char device 0/0), made by mknod; false when this process may not make one.</summary>
    private static bool Mknod(string path)
    {
        using var mknod = Process.Start(new ProcessStartInfo("mknod", [path, "c", "0", "0"]) { RedirectStandardError = true })!;
        mknod.WaitForExit();
        return mknod.ExitCode == 0;
    }
}
