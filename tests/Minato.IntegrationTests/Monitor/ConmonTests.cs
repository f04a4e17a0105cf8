using System.Text.RegularExpressions;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Monitor;
using Minato.Engine.Oci;
using Minato.Testing;

namespace Minato.IntegrationTests.Monitor;

/// <summary>conmon and runc from Debian driving a busybox bundle: create, start, CRI log, exit file, errors.</summary>
public sealed partial class ConmonTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minato-it-conmon-").FullName;
    private string _rootfs = null!;
    private Conmon _conmon = null!;
    private OciRuntimeHandler _runc = null!;
    private OciRuntimeCli _cli = null!;

    private string ExitDirectory => Path.Combine(_dir, "exits");

    public async Task InitializeAsync()
    {
        // One busybox rootfs, unpacked with the product's own safe unpacker, shared read-only by the bundles.
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _rootfs = Path.Combine(_dir, "rootfs");
        Directory.CreateDirectory(_rootfs);
        foreach (var layer in image.Manifest().Layers)
        {
            await using var blob = File.OpenRead(image.BlobPath(layer.Digest));
            await using var tar = LayerDecompression.Open(blob, LayerDecompression.FromMediaType(layer.MediaType)!.Value);
            await new LayerUnpacker(new UnpackLimits { MaxBytes = 1L << 30 }).UnpackAsync(tar, _rootfs, CancellationToken.None);
        }

        _runc = new OciRuntimeHandler("runc", "runc", Path.Combine(_dir, "runc-root"));
        _cli = new OciRuntimeCli(_runc, TimeSpan.FromSeconds(30));
        _conmon = new Conmon(new ConmonOptions("/usr/bin/conmon", ExitDirectory, Path.Combine(_dir, "attach"), SystemdCgroup: false));
    }

    public async Task DisposeAsync()
    {
        foreach (var bundle in Directory.GetDirectories(_dir, "bundle-*"))
        {
            try
            {
                await _cli.DeleteAsync(Path.GetFileName(bundle)["bundle-".Length..], force: true, CancellationToken.None);
            }
            catch (OciRuntimeException)
            {
                // Already gone.
            }
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task CreateStart_ShortLivedProcess_LogsInCriFormatAndRecordsTheExitCode()
    {
        var launch = Bundle("sh", "-c", "echo hello; echo oops >&2; exit 3");

        var pid = await _conmon.CreateAsync(launch, TimeSpan.FromSeconds(30), CancellationToken.None);
        var created = await _cli.StateAsync(launch.Id, CancellationToken.None);
        await _cli.StartAsync(launch.Id, CancellationToken.None);
        var exit = await WaitForExitFileAsync(launch.Id);

        Assert.True(pid > 1);
        Assert.Equal("created", created?.Status);
        Assert.Equal(pid, created?.Pid);
        Assert.Equal("3", exit);
        var lines = await File.ReadAllLinesAsync(launch.LogPath);
        Assert.Contains(lines, l => CriLine().Match(l) is { Success: true } m && m.Groups[1].Value == "stdout" && m.Groups[2].Value == "hello");
        Assert.Contains(lines, l => CriLine().Match(l) is { Success: true } m && m.Groups[1].Value == "stderr" && m.Groups[2].Value == "oops");
        Assert.Equal("3", (await File.ReadAllTextAsync(Path.Combine(launch.BundleDirectory, "exit"))).Trim());
    }

    [Fact]
    public async Task Kill_LongRunningProcess_ExitFileSaysKilled()
    {
        var launch = Bundle("sleep", "600");
        await _conmon.CreateAsync(launch, TimeSpan.FromSeconds(30), CancellationToken.None);
        await _cli.StartAsync(launch.Id, CancellationToken.None);
        Assert.Equal("running", (await _cli.StateAsync(launch.Id, CancellationToken.None))?.Status);

        await _cli.KillAsync(launch.Id, 9, all: false, CancellationToken.None);

        Assert.Equal("137", await WaitForExitFileAsync(launch.Id));
        await _cli.DeleteAsync(launch.Id, force: false, CancellationToken.None);
        Assert.Null(await _cli.StateAsync(launch.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Create_RuntimeRefuses_ReportsTheRuntimesMessage()
    {
        var launch = BundleWithRootfs(Path.Combine(_dir, "no-such-rootfs"), "true");

        var e = await Assert.ThrowsAsync<OciRuntimeException>(() => _conmon.CreateAsync(launch, TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.Contains("rootfs", e.Message, StringComparison.Ordinal);
        Assert.Null(await _cli.StateAsync(launch.Id, CancellationToken.None));
    }

    private ContainerLaunch Bundle(params string[] args) => BundleWithRootfs(_rootfs, args);

    private ContainerLaunch BundleWithRootfs(string rootfs, params string[] args)
    {
        var id = Guid.NewGuid().ToString("N");
        var bundle = Path.Combine(_dir, "bundle-" + id);
        Directory.CreateDirectory(bundle);
        var quoted = string.Join(",", args.Select(a => "\"" + a + "\""));
        File.WriteAllText(Path.Combine(bundle, "config.json"), $$$"""
            {"ociVersion":"1.0.2",
             "process":{"terminal":false,"user":{"uid":0,"gid":0},"args":[{{{quoted}}}],"env":["PATH=/bin"],"cwd":"/",
               "capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]},"noNewPrivileges":true},
             "root":{"path":"{{{rootfs}}}","readonly":true},
             "hostname":"conmon-test",
             "mounts":[{"destination":"/proc","type":"proc","source":"proc"},
                       {"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","strictatime","mode=755","size=65536k"]}],
             "linux":{"namespaces":[{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"network"}]}}
            """);
        return new ContainerLaunch(id, "test-" + id[..8], bundle, _runc, Path.Combine(bundle, "container.log"), Terminal: false, Stdin: false, StdinOnce: false);
    }

    private async Task<string> WaitForExitFileAsync(string id)
    {
        var path = Path.Combine(ExitDirectory, id);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path) && (await File.ReadAllTextAsync(path)).Trim() is { Length: > 0 } code)
            {
                return code;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no exit file for {id}");
    }

    /// <summary>A CRI log record: RFC 3339 timestamp with nanoseconds, stream, full-line tag, content.</summary>
    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(?:Z|[+-]\d\d:\d\d) (stdout|stderr) F (.*)$")]
    private static partial Regex CriLine();
}
