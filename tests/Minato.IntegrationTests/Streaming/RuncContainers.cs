using Minato.Engine.Images.Content;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Monitor;
using Minato.Engine.Oci;
using Minato.Testing;

namespace Minato.IntegrationTests.Streaming;

/// <summary>Busybox containers started by conmon and runc from plain bundles, for the streaming sessions to work on.</summary>
/// <remarks>One read-only rootfs is shared by every bundle; each container is force-deleted when the fixture ends.</remarks>
public sealed class RuncContainers : IAsyncLifetime
{
    private readonly List<string> _ids = [];
    private string _rootfs = null!;
    private Conmon _conmon = null!;
    private OciRuntimeCli _cli = null!;

    /// <summary>Deliberately long, as an operator's state directory may be: the attach socket's full path is then longer
    /// than a Unix socket address can hold, which attach must cope with.</summary>
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("minato-it-streaming-state-directory-with-a-long-name-").FullName;

    public OciRuntimeHandler Runc { get; private set; } = null!;

    public string AttachSocketDirectory => Path.Combine(Directory, "attach");

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _rootfs = Path.Combine(Directory, "rootfs");
        System.IO.Directory.CreateDirectory(_rootfs);
        foreach (var layer in image.Manifest().Layers)
        {
            await using var blob = File.OpenRead(image.BlobPath(layer.Digest));
            await using var tar = LayerDecompression.Open(blob, LayerDecompression.FromMediaType(layer.MediaType)!.Value);
            await new LayerUnpacker(new UnpackLimits { MaxBytes = 1L << 30 }).UnpackAsync(tar, _rootfs, CancellationToken.None);
        }

        Runc = new OciRuntimeHandler("runc", "runc", Path.Combine(Directory, "runc-root"));
        _cli = new OciRuntimeCli(Runc, TimeSpan.FromSeconds(30));
        _conmon = new Conmon(new ConmonOptions("/usr/bin/conmon", Path.Combine(Directory, "exits"), AttachSocketDirectory, SystemdCgroup: false));
    }

    public async Task DisposeAsync()
    {
        foreach (var id in _ids)
        {
            try
            {
                await _cli.DeleteAsync(id, force: true, CancellationToken.None);
            }
            catch (OciRuntimeException)
            {
                // Already gone.
            }
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>Creates and starts a container running <paramref name="args"/>; <paramref name="netns"/> joins a pinned network namespace.</summary>
    public async Task<ContainerLaunch> StartAsync(string[] args, bool stdin = false, bool stdinOnce = false, string? netns = null)
    {
        var id = Guid.NewGuid().ToString("N");
        var bundle = Path.Combine(Directory, "bundle-" + id);
        System.IO.Directory.CreateDirectory(bundle);
        var quoted = string.Join(",", args.Select(a => System.Text.Json.JsonSerializer.Serialize(a)));
        var network = netns is null ? """{"type":"network"}""" : $$"""{"type":"network","path":"{{netns}}"}""";
        await File.WriteAllTextAsync(Path.Combine(bundle, "config.json"), $$$"""
            {"ociVersion":"1.0.2",
             "process":{"terminal":false,"user":{"uid":0,"gid":0},"args":[{{{quoted}}}],"env":["PATH=/bin:/usr/bin:/sbin:/usr/sbin"],"cwd":"/",
               "capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]},"noNewPrivileges":true},
             "root":{"path":"{{{_rootfs}}}","readonly":true},
             "hostname":"streaming-test",
             "mounts":[{"destination":"/proc","type":"proc","source":"proc"},
                       {"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","strictatime","mode=755","size=65536k"]},
                       {"destination":"/dev/pts","type":"devpts","source":"devpts","options":["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620"]}],
             "linux":{"namespaces":[{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{{{network}}}]}}
            """);
        var launch = new ContainerLaunch(id, "test-" + id[..8], bundle, Runc, Path.Combine(bundle, "container.log"), Terminal: false, Stdin: stdin, StdinOnce: stdinOnce);
        _ids.Add(id);
        await _conmon.CreateAsync(launch, TimeSpan.FromSeconds(30), CancellationToken.None);
        await _cli.StartAsync(id, CancellationToken.None);
        return launch;
    }

    /// <summary>Kills a container started here (unless it has exited) and waits until conmon recorded its exit.</summary>
    public async Task KillAsync(ContainerLaunch launch)
    {
        try
        {
            await _cli.KillAsync(launch.Id, 9, all: false, CancellationToken.None);
        }
        catch (OciRuntimeException)
        {
            // It has already exited.
        }

        await WaitForExitAsync(launch);
    }

    /// <summary>Waits until conmon has written the container's exit file (conmon exits right after).</summary>
    public async Task WaitForExitAsync(ContainerLaunch launch)
    {
        var exitFile = Path.Combine(Directory, "exits", launch.Id);
        for (var i = 0; i < 500 && !(File.Exists(exitFile) && new FileInfo(exitFile).Length > 0); i++)
        {
            await Task.Delay(20);
        }
    }
}
