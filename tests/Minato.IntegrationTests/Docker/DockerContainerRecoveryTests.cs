using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Docker;

/// <summary>Docker containers across daemon restarts: a running one keeps running, an exited one gets its restart policy.</summary>
public sealed class DockerContainerRecoveryTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minato-dr-").FullName;
    private RegistryFixture _registry = null!;
    private TestNetwork _network = null!;
    private string _image = null!;

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _registry = await RegistryFixture.StartAsync(RegistryAuth.None);
        _image = (await _registry.PushAsync(image, "rec/busybox:1.36")).Reference;
        _network = TestNetwork.Create();
    }

    public async Task DisposeAsync()
    {
        await using (var daemon = await StartAsync())
        {
            using var docker = new DockerClient(daemon);
            var all = await docker.RunAsync("ps", "-aq");
            foreach (var id in all.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                await docker.RunAsync("rm", "-f", id);
            }
        }

        await _network.DisposeAsync();
        await _registry.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task DaemonRestart_RunningContainerKeepsRunning_ExitedOnFailureRestarted()
    {
        string keeperPid;
        await using (var first = await StartAsync())
        {
            using var docker = new DockerClient(first);
            Assert.Equal(0, (await docker.RunAsync("pull", _image)).ExitCode);
            var keeper = await docker.RunAsync("run", "-d", "--name", "keeper", "--network", "none", _image, "sleep", "300");
            Assert.True(keeper.ExitCode == 0, keeper.ToString());

            // Exits 5 seconds after start, while the daemon is down; on-failure must bring it back at the next start.
            var flaky = await docker.RunAsync("run", "-d", "--name", "flaky", "--network", "none", "--restart", "on-failure:1", _image,
                "sh", "-c", "echo run; if [ -e /tmp/again ]; then sleep 300; fi; touch /tmp/again; sleep 3; exit 2");
            Assert.True(flaky.ExitCode == 0, flaky.ToString());
            keeperPid = (await docker.RunAsync("inspect", "-f", "{{.State.Pid}}", "keeper")).Stdout.Trim();
            Assert.Equal(0, await first.StopAsync(TimeSpan.FromSeconds(30)));
        }

        await Task.Delay(TimeSpan.FromSeconds(5));
        await using var second = await StartAsync();
        using var again = new DockerClient(second);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string flakyState;
        do
        {
            await Task.Delay(200);
            flakyState = (await again.RunAsync("inspect", "-f", "{{.State.Status}} {{.RestartCount}}", "flaky")).Stdout.Trim();
        }
        while (flakyState != "running 1" && DateTime.UtcNow < deadline);

        var keeperState = (await again.RunAsync("inspect", "-f", "{{.State.Status}} {{.State.Pid}}", "keeper")).Stdout.Trim();
        var logs = await again.RunAsync("logs", "flaky");

        Assert.Equal($"running {keeperPid}", keeperState);
        Assert.Equal("running 1", flakyState);
        Assert.Equal("run\nrun\n", logs.Stdout);
    }

    [Fact]
    public async Task DaemonRestart_RunningContainerWithHealthcheck_ProbedAgain()
    {
        await using (var first = await StartAsync())
        {
            using var docker = new DockerClient(first);
            Assert.Equal(0, (await docker.RunAsync("pull", _image)).ExitCode);
            var run = await docker.RunAsync("run", "-d", "--name", "probed", "--network", "none", "--health-cmd", "echo alive",
                "--health-interval", "1s", _image, "sleep", "300");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal("healthy", await WaitForHealthAsync(docker, "probed", "healthy"));
            Assert.Equal(0, await first.StopAsync(TimeSpan.FromSeconds(30)));
        }

        await using var second = await StartAsync();
        using var again = new DockerClient(second);
        var status = await WaitForHealthAsync(again, "probed", "healthy");
        var output = (await again.RunAsync("inspect", "-f", "{{(index .State.Health.Log 0).Output}}", "probed")).Stdout.Trim();

        // Health state is kept in memory only: a result in the log means the probes run again after the restart.
        Assert.Equal("healthy", status);
        Assert.Equal("alive", output);
    }

    private static async Task<string> WaitForHealthAsync(DockerClient docker, string name, string wanted)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string status;
        do
        {
            await Task.Delay(250);
            status = (await docker.RunAsync("inspect", "-f", "{{.State.Health.Status}}", name)).Stdout.Trim();
        }
        while (status != wanted && DateTime.UtcNow < deadline);

        return status;
    }

    private Task<MinatoDaemon> StartAsync() =>
        MinatoDaemon.StartInAsync(_dir, "--docker-api", "unix://" + Path.Combine(_dir, "docker.sock"), "--cni-config-dir", _network.ConfigDir);
}
