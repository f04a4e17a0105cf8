using System.Text.Json;
using Minato.IntegrationTests.Docker;
using Minato.Testing;

namespace Minato.IntegrationTests.Operations;

/// <summary><c>minato top</c> through the real CLI: a running container's processes, with host pids.</summary>
public sealed class TopCommandTests : IAsyncLifetime, IDisposable
{
    private RegistryFixture _registry = null!;
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;
    private string _busybox = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryFixture.StartAsync();
        _busybox = (await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "top/busybox:1")).Reference;
        _daemon = await MinatoDaemon.StartWithDockerApiAsync();
        _docker = new DockerClient(_daemon);
    }

    public async Task DisposeAsync()
    {
        await _docker.RunAsync("rm", "-f", "toptest");
        await _daemon.DisposeAsync();
        await _registry.DisposeAsync();
    }

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task Top_RunningContainer_ListsItsProcessesWithHostPids()
    {
        var run = await _docker.RunAsync("run", "-d", "--network", "none", "--name", "toptest", _busybox, "sh", "-c", "sleep 3001 & sleep 3002 & wait");
        Assert.True(run.ExitCode == 0, run.ToString());
        var id = run.Stdout.Trim();

        var json = await MinatoAsync("top", id[..12], "-o", "json");
        var table = await MinatoAsync("top", id);

        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Stdout);
        var processes = document.RootElement.GetProperty("processes").EnumerateArray().ToList();
        Assert.Equal(3, processes.Count);
        foreach (var sleeper in new[] { "sleep 3001", "sleep 3002" })
        {
            var process = Assert.Single(processes, p => p.GetProperty("command").GetString() == sleeper);
            var pid = process.GetProperty("pid").GetInt32();

            // A host pid: the host's /proc shows the same command line under it.
            Assert.Equal(sleeper.Replace(' ', '\0') + "\0", await File.ReadAllTextAsync($"/proc/{pid}/cmdline"));
        }

        Assert.Matches(@"(?m)^PID\s+PPID\s+UID\s+STATE\s+CMD$", table.Stdout);
        Assert.Contains("sleep 3001", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_StoppedContainer_FailsSayingItIsNotRunning()
    {
        var run = await _docker.RunAsync("create", "--network", "none", "--name", "toptest", _busybox, "true");
        Assert.True(run.ExitCode == 0, run.ToString());

        var top = await MinatoAsync("top", run.Stdout.Trim());

        Assert.Equal(1, top.ExitCode);
        Assert.Contains("is not running", top.Stderr, StringComparison.Ordinal);
    }

    private Task<CommandResult> MinatoAsync(params string[] args) =>
        CommandResult.RunAsync(MinatoDaemon.Executable, ["--endpoint", _daemon.Endpoint, .. args], TimeSpan.FromSeconds(60));
}
