using System.Globalization;

namespace Minato.Testing;

/// <summary>The ready-made test images, each a recipe for <see cref="TestImageCache"/>.</summary>
public static class TestImageRecipes
{
    /// <summary>What the pause image runs: sleeps until SIGTERM or SIGINT, then exits 0 (busybox sh runs its own sleep).</summary>
    public static readonly IReadOnlyList<string> PauseEntrypoint =
        ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];

    /// <summary>The default uncompressed size of <see cref="Large"/>: about what the pull benchmark needs.</summary>
    public const long LargeDefaultBytes = 200L << 20;

    /// <summary>The names <see cref="ByName"/> knows, for theories over every image.</summary>
    public static readonly IReadOnlyList<string> Names = ["busybox", "busybox-docker", "multilayer", "zstd", "multiarch", "multiarch-docker", "pause", "large"];

    public static TestImageRecipe ByName(string name) => name switch
    {
        "busybox" => Busybox(),
        "busybox-docker" => Busybox(ManifestFormat.DockerSchema2),
        "multilayer" => Multilayer,
        "zstd" => Zstd,
        "multiarch" => Multiarch(),
        "multiarch-docker" => Multiarch(ManifestFormat.DockerSchema2),
        "pause" => Pause,
        "large" => Large(),
        _ => throw new ArgumentException($"no test image named {name}", nameof(name)),
    };

    /// <summary>Busybox alone, one gzip layer, <c>Cmd ["sh"]</c>; see <see cref="BusyboxRootfs"/>.</summary>
    public static TestImageRecipe Busybox(ManifestFormat format = ManifestFormat.Oci) =>
        new(format == ManifestFormat.Oci ? "busybox" : "busybox-docker", $"busybox {format} {BusyboxRootfs.RecipeKey}", async (dir, ct) =>
        {
            var image = new TestImageBuilder(format) { Config = BusyboxRootfs.Config };
            image.Layer(await BusyboxRootfs.LayerAsync(LayerCompression.Gzip, ct));
            return await image.BuildAsync(dir, cancellationToken: ct);
        });

    /// <summary>Busybox whose config sets <c>USER</c> to <paramref name="user"/> (<c>uid</c>, <c>uid:gid</c>, <c>name</c> or
    /// <c>name:group</c>, resolved against <see cref="BusyboxRootfs.Passwd"/> and <see cref="BusyboxRootfs.Group"/>).</summary>
    public static TestImageRecipe BusyboxUser(string user) =>
        new("busybox-user", $"busybox-user {user} {BusyboxRootfs.RecipeKey}", async (dir, ct) =>
        {
            var image = new TestImageBuilder { Config = BusyboxRootfs.Config with { User = user } };
            image.Layer(await BusyboxRootfs.LayerAsync(LayerCompression.Gzip, ct));
            return await image.BuildAsync(dir, cancellationToken: ct);
        });

    /// <summary>Busybox whose config has a <c>HEALTHCHECK CMD-SHELL</c> of <paramref name="command"/>, every second, 2 retries.</summary>
    public static TestImageRecipe BusyboxHealthcheck(string command) =>
        new("busybox-health", $"busybox-health {command} {BusyboxRootfs.RecipeKey}", async (dir, ct) =>
        {
            var image = new TestImageBuilder { Config = BusyboxRootfs.Config with { Healthcheck = command } };
            image.Layer(await BusyboxRootfs.LayerAsync(LayerCompression.Gzip, ct));
            return await image.BuildAsync(dir, cancellationToken: ct);
        });

    /// <summary>Busybox with <c>/data</c> a symlink to <c>/</c> declared as a VOLUME: a runtime that resolves the
    /// volume on the host instead of inside the rootfs would pull host files into the container.</summary>
    public static TestImageRecipe VolumeSymlinkToRoot { get; } = new("volume-symlink", $"volume-symlink {BusyboxRootfs.RecipeKey}", async (dir, ct) =>
    {
        var image = new TestImageBuilder { Config = BusyboxRootfs.Config with { Volumes = ["/data"] } };
        image.Layer(await BusyboxRootfs.LayerAsync(LayerCompression.Gzip, ct))
            .Layer(LayerCompression.Gzip, l => l.Symlink("data", "/"), "RUN ln -s / /data");
        return await image.BuildAsync(dir, cancellationToken: ct);
    });

    /// <summary>Busybox with a VOLUME <c>/data</c> the image fills: <c>/data</c> owned by 1000:1000 with mode 0750, a
    /// file <c>seed.txt</c> owned by 1000:1000, a subdirectory and a symlink to <c>/etc</c> (copied as a link, never
    /// followed on the host).</summary>
    public static TestImageRecipe VolumeWithContent { get; } = new("volume-content", $"volume-content {BusyboxRootfs.RecipeKey}", async (dir, ct) =>
    {
        var image = new TestImageBuilder { Config = BusyboxRootfs.Config with { Volumes = ["/data"] } };
        const UnixFileMode Mode0750 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
        image.Layer(await BusyboxRootfs.LayerAsync(LayerCompression.Gzip, ct))
            .Layer(LayerCompression.Gzip, l => l
                .Directory("data", Mode0750, 1000, 1000)
                .File("data/seed.txt", "seeded by the image\n", uid: 1000, gid: 1000)
                .Directory("data/sub")
                .File("data/sub/inner.txt", "inner\n")
                .Symlink("data/etc-link", "/etc"), "ADD data /data");
        return await image.BuildAsync(dir, cancellationToken: ct);
    });

    /// <summary>An image to mount as an image volume: busybox (an executable to try under noexec), then a layer with
    /// <c>share/doc/README</c>, <c>share/old</c>, a symlink inside (<c>docs</c>) and two that lead out (<c>escape</c>,
    /// relative; <c>abs</c>, absolute), then one that whites out <c>share/old</c>.</summary>
    public static TestImageRecipe ImageVolumeData { get; } = new("image-volume-data", $"image-volume-data {BusyboxRootfs.RecipeKey}", async (dir, ct) =>
    {
        var image = new TestImageBuilder { Config = BusyboxRootfs.Config };
        image.Layer(await BusyboxRootfs.LayerAsync(LayerCompression.Gzip, ct))
            .Layer(LayerCompression.Gzip, l => l
                .Directory("share").Directory("share/doc")
                .File("share/doc/README", "from the data image\n")
                .File("share/old", "whited out above\n")
                .Symlink("docs", "share/doc")
                .Symlink("escape", "../../../../../../etc")
                .Symlink("abs", "/etc"), "ADD data")
            .Layer(LayerCompression.Gzip, l => l.Whiteout("share/old"), "RUN rm share/old");
        return await image.BuildAsync(dir, cancellationToken: ct);
    });

    /// <summary>Busybox plus the layers of <see cref="MultilayerImage"/>; its config sets every runtime field.</summary>
    public static TestImageRecipe Multilayer { get; } = new("multilayer", $"multilayer {BusyboxRootfs.RecipeKey}", async (dir, ct) =>
    {
        var image = new TestImageBuilder
        {
            Config = BusyboxRootfs.Config with
            {
                Entrypoint = ["/opt/tool/run.sh"],
                Cmd = ["--serve"],
                Env = [ImageConfig.DefaultPath, "APP_MODE=test", "EMPTY="],
                WorkingDir = "/app",
                User = "app:app",
                Volumes = ["/app/data"],
                ExposedPorts = ["8080/tcp"],
                StopSignal = "SIGINT",
                Labels = new Dictionary<string, string> { ["org.opencontainers.image.title"] = "minato-test-multilayer", ["minato.test"] = "multilayer" },
            },
        };
        image.Layer(await BusyboxRootfs.LayerAsync(LayerCompression.Gzip, ct));
        foreach (var layer in MultilayerImage.Layers())
        {
            image.Layer(layer);
        }

        return await image.BuildAsync(dir, cancellationToken: ct);
    });

    /// <summary>Busybox with every layer zstd-compressed, and a second layer adding <c>etc/zstd-marker</c>.</summary>
    public static TestImageRecipe Zstd { get; } = new("zstd", $"zstd {BusyboxRootfs.RecipeKey}", async (dir, ct) =>
    {
        var image = new TestImageBuilder { Config = BusyboxRootfs.Config };
        image.Layer(await BusyboxRootfs.LayerAsync(LayerCompression.Zstd, ct))
            .Layer(LayerCompression.Zstd, l => l.File("etc/zstd-marker", "compressed with zstd\n"), "ADD zstd-marker");
        return await image.BuildAsync(dir, cancellationToken: ct);
    });

    /// <summary>An index of linux/amd64 and linux/arm64/v8 busybox (same layers, arm64 only declared) and an
    /// unknown/unknown entry whose manifest has one small layer, as build tools add for attestations.</summary>
    public static TestImageRecipe Multiarch(ManifestFormat format = ManifestFormat.Oci) =>
        new(format == ManifestFormat.Oci ? "multiarch" : "multiarch-docker", $"multiarch {format} {BusyboxRootfs.RecipeKey}", async (dir, ct) =>
        {
            var busybox = await BusyboxRootfs.LayerAsync(LayerCompression.Gzip, ct);
            var amd64 = new TestImageBuilder(format) { Config = BusyboxRootfs.Config, Platform = Platform.LinuxAmd64 }.Layer(busybox);
            var arm64 = new TestImageBuilder(format) { Config = BusyboxRootfs.Config, Platform = Platform.LinuxArm64 }.Layer(busybox);
            var unknown = new TestImageBuilder(format) { Platform = Platform.Unknown }
                .Layer(LayerCompression.Gzip, l => l.File("attestation.json", """{"note":"not an image to run"}"""));
            return await TestImageBuilder.BuildIndexAsync(dir, format, [amd64, arm64, unknown], cancellationToken: ct);
        });

    /// <summary>A sandbox image for containerd's <c>sandbox_image</c>: the busybox layer (shared with
    /// <see cref="Busybox"/>) and <see cref="PauseEntrypoint"/>.</summary>
    public static TestImageRecipe Pause { get; } = new("pause", $"pause {BusyboxRootfs.RecipeKey}", async (dir, ct) =>
    {
        var image = new TestImageBuilder
        {
            Config = new ImageConfig
            {
                Entrypoint = PauseEntrypoint,
                StopSignal = "SIGTERM",
                Labels = new Dictionary<string, string> { ["org.opencontainers.image.title"] = "minato-test-pause" },
            },
        };
        image.Layer(await BusyboxRootfs.LayerAsync(LayerCompression.Gzip, ct));
        return await image.BuildAsync(dir, cancellationToken: ct);
    });

    /// <summary>One gzip layer holding <c>zeros.img</c>, <paramref name="bytes"/> zero bytes: about 1000:1, so a 2 GiB file
    /// is a 2 MiB blob. A decompression bomb to a node that caps layers, a sparse file to one that does not.</summary>
    public static TestImageRecipe Zeros(long bytes) =>
        new("zeros", string.Create(CultureInfo.InvariantCulture, $"zeros {bytes}"), async (dir, ct) =>
        {
            var image = new TestImageBuilder();
            image.Layer(LayerCompression.Gzip, l => l.File("zeros.img", () => new ZeroStream(bytes)), "ADD zeros.img");
            return await image.BuildAsync(dir, cancellationToken: ct);
        });

    /// <summary>Busybox plus <paramref name="layers"/> gzip layers of generated files adding up to
    /// <paramref name="uncompressedBytes"/> (files of at most 8 MiB under <c>data/layerN/</c>), compressing about 2:1.</summary>
    public static TestImageRecipe Large(long uncompressedBytes = LargeDefaultBytes, int layers = 6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        var key = string.Create(CultureInfo.InvariantCulture, $"large {uncompressedBytes} {layers} {BusyboxRootfs.RecipeKey}");
        return new("large", key, async (dir, ct) =>
        {
            var image = new TestImageBuilder { Config = BusyboxRootfs.Config };
            image.Layer(await BusyboxRootfs.LayerAsync(LayerCompression.Gzip, ct));
            for (var i = 0; i < layers; i++)
            {
                image.Layer(GeneratedLayer(i, (uncompressedBytes / layers) + (i < uncompressedBytes % layers ? 1 : 0), LayerCompression.Gzip));
            }

            return await image.BuildAsync(dir, cancellationToken: ct);
        });
    }

    /// <summary>A layer of deterministic, about 2:1 compressible files (8 MiB each) totalling <paramref name="bytes"/>.</summary>
    public static LayerBuilder GeneratedLayer(int index, long bytes, LayerCompression compression)
    {
        const long FileBytes = 8L << 20;
        var layer = new LayerBuilder(compression) { CreatedBy = $"ADD generated data {index}" };
        layer.Directory("data").Directory($"data/layer{index}");
        for (var (file, offset) = (0, 0L); offset < bytes; file++, offset += FileBytes)
        {
            var seed = ((ulong)index << 32) | (uint)file;
            var length = Math.Min(FileBytes, bytes - offset);
            layer.File($"data/layer{index}/part{file:D3}.bin", () => new GeneratedContentStream(seed, length));
        }

        return layer;
    }
}
