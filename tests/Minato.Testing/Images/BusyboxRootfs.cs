using System.Security.Cryptography;

namespace Minato.Testing;

/// <summary>The base layer of the test images: Debian's static busybox, its applet links, users, groups and the usual dirs.</summary>
/// <remarks>Users: root (0), nobody (65534) and app (1000:1000, home <c>/home/app</c>, also in wheel 10, audio 29 and
/// users 100). <c>/tmp</c> is 1777, <c>/root</c> 0700. Applets are absolute symlinks to <c>/bin/busybox</c>.</remarks>
public static class BusyboxRootfs
{
    public const string BinaryPath = "/bin/busybox";
    public const int AppUid = 1000;
    public const int AppGid = 1000;
    public static readonly IReadOnlyList<int> AppSupplementaryGroups = [10, 29, 100];

    public const string Passwd = """
        root:x:0:0:root:/root:/bin/sh
        nobody:x:65534:65534:nobody:/nonexistent:/bin/false
        app:x:1000:1000:app:/home/app:/bin/sh

        """;

    public const string Group = """
        root:x:0:
        wheel:x:10:root,app
        audio:x:29:app
        users:x:100:app
        app:x:1000:
        nogroup:x:65534:

        """;

    private static readonly Lazy<string> BinaryDigest = new(() =>
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(BinaryPath))));

    /// <summary>Identifies the busybox binary, so a Debian update of it invalidates cached images.</summary>
    public static string RecipeKey => "busybox-static sha256:" + BinaryDigest.Value;

    /// <summary>The config every busybox-based image starts from: PATH and <c>sh</c> as the command.</summary>
    public static ImageConfig Config { get; } = new() { Cmd = ["sh"], Labels = new Dictionary<string, string> { ["org.opencontainers.image.title"] = "minato-test-busybox" } };

    /// <summary>Builds the layer; it asks the binary which applets it has and where they belong.</summary>
    public static async Task<LayerBuilder> LayerAsync(LayerCompression compression, CancellationToken cancellationToken = default)
    {
        var list = await CommandResult.RunAsync(BinaryPath, ["--list-full"], TimeSpan.FromSeconds(30)).WaitAsync(cancellationToken);
        if (list.ExitCode != 0)
        {
            throw new InvalidOperationException($"busybox --list-full failed: {list}");
        }

        var layer = new LayerBuilder(compression) { CreatedBy = "COPY busybox-static rootfs /" };
        foreach (var dir in new[] { "bin", "dev", "etc", "home", "proc", "sbin", "sys", "usr", "usr/bin", "usr/sbin", "var" })
        {
            layer.Directory(dir);
        }

        layer.Directory("home/app", uid: AppUid, gid: AppGid)
            .Directory("root", Modes.Octal(700))
            .Directory("tmp", Modes.Octal(1777))
            .Directory("var/tmp", Modes.Octal(1777))
            .File("bin/busybox", () => File.OpenRead(BinaryPath), Modes.Executable)
            .File("etc/passwd", Passwd)
            .File("etc/group", Group);

        // --list-full prints "usr/bin/wget"-style paths; it also lists odd entries such as "linuxrc" that belong nowhere.
        var applets = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(p => p.Contains('/', StringComparison.Ordinal) && !p.EndsWith('/') && p != "bin/busybox")
            .Distinct()
            .Order(StringComparer.Ordinal);
        foreach (var applet in applets)
        {
            layer.Symlink(applet, BinaryPath);
        }

        return layer;
    }
}
