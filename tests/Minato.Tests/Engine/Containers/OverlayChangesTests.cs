using Minato.Engine.Containers;
using Minato.Engine.Linux;

namespace Minato.Tests.Engine.Containers;

/// <summary>Changes of a writable layer against fixture lower layers: additions, modifications, whiteouts, ancestors.</summary>
public sealed class OverlayChangesTests
{
    [Fact]
    public void Walk_UpperWithNewChangedAndWhiteout_ReportsDockersKindsAndParents()
    {
        using var dirs = new TempDirectory();
        dirs.Write("lower/etc/passwd", "root\n");
        dirs.Write("lower/etc/group", "root\n");
        dirs.Write("lower/bin/sh", "sh\n");
        dirs.Write("upper/etc/passwd", "root\nx\n");
        dirs.Write("upper/tmp/new/file", "new\n");
        using (var upper = RootedDirectory.Open(dirs.Combine("upper")))
        {
            upper.CreateNode("etc/group", 0x2000, 0, 0);
        }

        var changes = OverlayChanges.Walk(dirs.Combine("upper"), [dirs.Combine("lower")]);

        Assert.Equal(
            [
                new FileChange("/etc", FileChangeKind.Modified),
                new FileChange("/etc/group", FileChangeKind.Deleted),
                new FileChange("/etc/passwd", FileChangeKind.Modified),
                new FileChange("/tmp", FileChangeKind.Added),
                new FileChange("/tmp/new", FileChangeKind.Added),
                new FileChange("/tmp/new/file", FileChangeKind.Added),
            ],
            changes);
    }

    [Fact]
    public void Walk_SymlinkInUpperPointingOut_IsReportedNotFollowed()
    {
        using var dirs = new TempDirectory();
        Directory.CreateDirectory(dirs.Combine("lower"));
        Directory.CreateDirectory(dirs.Combine("upper"));
        File.CreateSymbolicLink(dirs.Combine("upper", "escape"), "/etc");

        var changes = OverlayChanges.Walk(dirs.Combine("upper"), [dirs.Combine("lower")]);

        Assert.Equal([new FileChange("/escape", FileChangeKind.Added)], changes);
    }

    [Fact]
    public void Walk_EmptyUpper_NoChanges()
    {
        using var dirs = new TempDirectory();
        Directory.CreateDirectory(dirs.Combine("lower", "etc"));
        Directory.CreateDirectory(dirs.Combine("upper"));

        Assert.Empty(OverlayChanges.Walk(dirs.Combine("upper"), [dirs.Combine("lower")]));
    }
}
