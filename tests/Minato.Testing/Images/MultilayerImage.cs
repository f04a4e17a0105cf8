namespace Minato.Testing;

/// <summary>Three layers on top of the busybox base that exercise whiteouts, an opaque directory, a re-created
/// directory, replaced files and links; the <c>Expected*</c> members describe the view a runtime must show.</summary>
public static class MultilayerImage
{
    /// <summary>Regular files of the final view (path from the root, content) on top of the busybox base.</summary>
    public static readonly IReadOnlyDictionary<string, string> ExpectedFiles = new Dictionary<string, string>
    {
        ["app/config/a.conf"] = "a=3\n",
        ["app/config/c.conf"] = "c=2\n",
        ["app/data/keep.txt"] = "keep\n",
        ["app/data/keep.link"] = "keep\n",
        ["app/data/old/z"] = "z\n",
        ["var/lib/state/fresh"] = "fresh\n",
        ["etc/motd"] = "layer 2\n",
        ["opt/tool/run.sh"] = "#!/bin/sh\necho tool\n",
        ["home/app/.profile"] = "export APP=1\n",
    };

    /// <summary>Modes that differ from 0644 in the final view: a.conf was replaced with a private one.</summary>
    public static readonly IReadOnlyDictionary<string, UnixFileMode> ExpectedModes = new Dictionary<string, UnixFileMode>
    {
        ["app/config/a.conf"] = Modes.Octal(600),
        ["opt/tool/run.sh"] = Modes.Octal(755),
        ["home/app/.profile"] = Modes.Octal(600),
    };

    /// <summary>Symlinks of the final view and their targets.</summary>
    public static readonly IReadOnlyDictionary<string, string> ExpectedSymlinks = new Dictionary<string, string>
    {
        ["app/live"] = "data",
        ["bin/sh"] = BusyboxRootfs.BinaryPath,
    };

    /// <summary>Paths that lower layers had and whiteouts removed (<c>bin/vi</c> came from the busybox base).</summary>
    public static readonly IReadOnlyList<string> ExpectedAbsent =
        ["app/config/b.conf", "app/current", "app/data/old/x", "app/data/old/y", "var/lib/state/stale", "bin/vi"];

    /// <summary>Directories whose complete listing is fixed: a re-created one, an opaque one and one with a whiteout.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> ExpectedListings = new Dictionary<string, IReadOnlyList<string>>
    {
        ["app/config"] = ["a.conf", "c.conf"],
        ["app/data"] = ["keep.link", "keep.txt", "old"],
        ["app/data/old"] = ["z"],
        ["var/lib/state"] = ["fresh"],
    };

    /// <summary><c>app/data/keep.link</c> is a hard link to <c>app/data/keep.txt</c> (uid 1000 owns <c>home/app/.profile</c>).</summary>
    public static readonly (string Link, string Target) ExpectedHardlink = ("app/data/keep.link", "app/data/keep.txt");

    /// <summary>The three layers: gzip, gzip, then uncompressed.</summary>
    public static IReadOnlyList<LayerBuilder> Layers() =>
    [
        new LayerBuilder(LayerCompression.Gzip) { CreatedBy = "ADD app tree" }
            .Directory("app").Directory("app/config").Directory("app/data").Directory("app/data/old")
            .Directory("opt").Directory("opt/tool").Directory("var/lib").Directory("var/lib/state")
            .File("app/config/a.conf", "a=1\n")
            .File("app/config/b.conf", "b=1\n")
            .Symlink("app/current", "config")
            .File("app/data/keep.txt", "keep\n")
            .Hardlink("app/data/keep.link", "app/data/keep.txt")
            .File("app/data/old/x", "x\n")
            .File("app/data/old/y", "y\n")
            .File("opt/tool/run.sh", "#!/bin/sh\necho tool\n", Modes.Executable)
            .File("var/lib/state/stale", "stale\n")
            .File("etc/motd", "layer 1\n")
            .File("home/app/.profile", "export APP=1\n", Modes.Octal(600), BusyboxRootfs.AppUid, BusyboxRootfs.AppGid),
        new LayerBuilder(LayerCompression.Gzip) { CreatedBy = "RUN rm b.conf old vi; make state opaque" }
            .Whiteout("app/config/b.conf")
            .File("app/config/c.conf", "c=2\n")
            .Whiteout("app/data/old")
            .Whiteout("bin/vi")
            .File("etc/motd", "layer 2\n")
            .Directory("var/lib/state")
            .Opaque("var/lib/state")
            .File("var/lib/state/fresh", "fresh\n"),
        new LayerBuilder(LayerCompression.None) { CreatedBy = "RUN recreate old; replace a.conf; current -> live" }
            .Directory("app/data/old")
            .File("app/data/old/z", "z\n")
            .File("app/config/a.conf", "a=3\n", Modes.Octal(600))
            .Whiteout("app/current")
            .Symlink("app/live", "data"),
    ];
}
