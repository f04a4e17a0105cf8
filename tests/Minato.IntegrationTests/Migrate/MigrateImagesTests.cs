using System.Diagnostics;
using Minato.Testing;

namespace Minato.IntegrationTests.Migrate;

/// <summary>
/// <c>minato migrate images --from-docker</c> against Debian's dockerd started by the test (its own data root,
/// socket and pid file, no networking of its own), holding an image it pulled from the test's registry.
/// </summary>
public sealed class MigrateImagesTests : IAsyncLifetime
{
    private RegistryFixture _registry = null!;
    private MinatoDaemon _daemon = null!;
    private TestImage _image = null!;
    private string _reference = null!;
    private DirectoryInfo _dockerDirectory = null!;
    private Process? _dockerd;

    private string DockerSocket => Path.Combine(_dockerDirectory.FullName, "docker.sock");

    public async Task InitializeAsync()
    {
        _image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multilayer);
        _registry = await RegistryFixture.StartAsync(RegistryAuth.None);
        _reference = (await _registry.PushAsync(_image, "migrate/multilayer:v1")).Reference;
        _daemon = await MinatoDaemon.StartAsync();
        _dockerDirectory = Directory.CreateTempSubdirectory("minato-dockerd-");
        var root = _dockerDirectory.FullName;
        _dockerd = Process.Start(new ProcessStartInfo("/usr/sbin/dockerd")
        {
            ArgumentList =
            {
                "--data-root", Path.Combine(root, "data"), "--exec-root", Path.Combine(root, "exec"),
                "--pidfile", Path.Combine(root, "docker.pid"), "--host", $"unix://{DockerSocket}",
                "--bridge=none", "--iptables=false", "--ip6tables=false", "--ip-masq=false", "--storage-driver=vfs",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _dockerd.OutputDataReceived += (_, _) => { };
        _dockerd.ErrorDataReceived += (_, _) => { };
        _dockerd.BeginOutputReadLine();
        _dockerd.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await DockerAsync("version")).Stdout.Contains("Server", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline && !_dockerd.HasExited, "dockerd did not start");
            await Task.Delay(500);
        }

        var pull = await DockerAsync("pull", _reference);
        Assert.True(pull.ExitCode == 0, pull.ToString());
    }

    public async Task DisposeAsync()
    {
        if (_dockerd is { HasExited: false })
        {
            // SIGTERM lets dockerd stop its containerd and undo the private mount of its data root.
            await CommandResult.RunAsync("/bin/kill", ["-TERM", _dockerd.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _dockerd.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _dockerd.Kill(entireProcessTree: true);
                await _dockerd.WaitForExitAsync();
            }
        }

        await _daemon.DisposeAsync();
        await _registry.DisposeAsync();
        // Whatever a killed dockerd left mounted under its directory, deepest first.
        var mounts = File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4])
            .Where(m => m.StartsWith(_dockerDirectory.FullName, StringComparison.Ordinal)).OrderByDescending(m => m.Length);
        foreach (var mount in mounts)
        {
            await CommandResult.RunAsync("/bin/umount", ["-l", mount], TimeSpan.FromSeconds(10));
        }

        _dockerDirectory.Delete(recursive: true);
    }

    [Fact]
    public async Task MigrateImages_FromDockerd_CopiesTheImageThenSkipsItTheSecondTime()
    {
        var first = await MinatoAsync("migrate", "images", "--from-docker", $"unix://{DockerSocket}");
        var second = await MinatoAsync("migrate", "images", "--from-docker", $"unix://{DockerSocket}");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"[1/1] {_reference}: exported", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 copied, 0 skipped, 0 failed", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(_image.Manifest().ImageId, (await MinatoAsync("images", "-q", _reference)).Stdout.Trim());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("already in Minato, skipped", second.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 copied, 1 skipped, 0 failed", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateImages_NoDockerListening_FailsNamingTheEndpoint()
    {
        var result = await MinatoAsync("migrate", "images", "--from-docker", $"unix://{_dockerDirectory.FullName}/absent.sock");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("absent.sock", result.Stderr, StringComparison.Ordinal);
    }

    private Task<CommandResult> DockerAsync(params string[] args) =>
        CommandResult.RunAsync("/usr/bin/docker", ["-H", $"unix://{DockerSocket}", .. args], TimeSpan.FromSeconds(120));

    private Task<CommandResult> MinatoAsync(params string[] args) =>
        CommandResult.RunAsync(MinatoDaemon.Executable, ["--endpoint", _daemon.Endpoint, .. args], TimeSpan.FromSeconds(120));
}
