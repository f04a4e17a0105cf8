using System.Globalization;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Docker;

/// <summary>Health checks through the docker CLI: from the request and from the image's HEALTHCHECK, run as execs by the
/// daemon, shown in inspect, ps and events.</summary>
public sealed class DockerHealthcheckTests : IAsyncLifetime, IDisposable
{
    private RegistryFixture _registry = null!;
    private TestNetwork _network = null!;
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;
    private string _image = null!;
    private string _healthImage = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryFixture.StartAsync(RegistryAuth.None);
        _image = (await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "health/busybox:1.36")).Reference;
        _healthImage = (await _registry.PushAsync(
            await TestImageCache.Shared.GetAsync(TestImageRecipes.BusyboxHealthcheck("test -e /tmp/ready")), "health/ready:1")).Reference;
        _network = TestNetwork.Create();
        _daemon = await MinatoDaemon.StartWithDockerApiAsync("--cni-config-dir", _network.ConfigDir);
        _docker = new DockerClient(_daemon);
        foreach (var image in new[] { _image, _healthImage })
        {
            var pull = await _docker.RunAsync("pull", image);
            Assert.True(pull.ExitCode == 0, pull.ToString());
        }
    }

    public async Task DisposeAsync()
    {
        await _docker.RunAsync("rm", "-f", "fine", "failing", "slow", "unchecked", "fromimage");
        await _daemon.DisposeAsync();
        await _network.DisposeAsync();
        await _registry.DisposeAsync();
    }

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task HealthCmd_Succeeds_HealthyInInspectPsFilterAndEvents()
    {
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        var run = await _docker.RunAsync("run", "-d", "--name", "fine", "--network", "none", "--health-cmd", "echo probe-ran",
            "--health-interval", "1s", "--health-retries", "2", _image, "sleep", "300");
        Assert.True(run.ExitCode == 0, run.ToString());
        var starting = await _docker.RunAsync("inspect", "-f", "{{.State.Health.Status}}", "fine");

        var status = await WaitForStatusAsync("fine", "healthy");
        var log = await _docker.RunAsync("inspect", "-f", "{{.State.Health.FailingStreak}} {{(index .State.Health.Log 0).ExitCode}} {{(index .State.Health.Log 0).Output}}", "fine");
        var ps = await _docker.RunAsync("ps", "--filter", "health=healthy", "--format", "{{.Names}} {{.Status}}");
        var unhealthy = await _docker.RunAsync("ps", "-q", "--filter", "health=unhealthy");
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
        var events = await _docker.RunAsync("events", "--since", since.ToString(CultureInfo.InvariantCulture), "--until", until.ToString(CultureInfo.InvariantCulture),
            "--filter", "container=fine", "--format", "{{.Action}}");

        Assert.Equal("starting", starting.Stdout.Trim());
        Assert.Equal("healthy", status);
        Assert.Equal("0 0 probe-ran", log.Stdout.Trim());
        Assert.Matches(@"^fine Up .* \(healthy\)$", ps.Stdout.Trim());
        Assert.Equal(string.Empty, unhealthy.Stdout.Trim());
        Assert.Contains("health_status: healthy", events.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCmd_FailsEveryTime_UnhealthyAfterRetries()
    {
        var run = await _docker.RunAsync("run", "-d", "--name", "failing", "--network", "none", "--health-cmd", "echo nope; exit 3",
            "--health-interval", "1s", "--health-retries", "2", _image, "sleep", "300");
        Assert.True(run.ExitCode == 0, run.ToString());

        var status = await WaitForStatusAsync("failing", "unhealthy");
        var log = await _docker.RunAsync("inspect", "-f", "{{.State.Health.FailingStreak}} {{(index .State.Health.Log 0).ExitCode}} {{(index .State.Health.Log 0).Output}}", "failing");
        var ps = await _docker.RunAsync("ps", "--filter", "health=unhealthy", "--format", "{{.Names}} {{.Status}}");

        Assert.Equal("unhealthy", status);
        var fields = log.Stdout.Trim().Split(' ');
        Assert.True(int.Parse(fields[0], CultureInfo.InvariantCulture) >= 2, log.Stdout);
        Assert.Equal(["3", "nope"], fields[1..]);
        Assert.Matches(@"^failing Up .* \(unhealthy\)$", ps.Stdout.Trim());
    }

    [Fact]
    public async Task HealthCmd_OutlivesTimeout_KilledAndCountedAsFailure()
    {
        var run = await _docker.RunAsync("run", "-d", "--name", "slow", "--network", "none", "--health-cmd", "sleep 10",
            "--health-interval", "1s", "--health-timeout", "1s", "--health-retries", "1", _image, "sleep", "300");
        Assert.True(run.ExitCode == 0, run.ToString());

        var status = await WaitForStatusAsync("slow", "unhealthy");
        var log = await _docker.RunAsync("inspect", "-f", "{{(index .State.Health.Log 0).ExitCode}}|{{(index .State.Health.Log 0).Output}}", "slow");

        Assert.Equal("unhealthy", status);
        Assert.Equal("-1|Health check exceeded timeout (1s)", log.Stdout.Trim());
    }

    [Fact]
    public async Task NoHealthcheck_ImageHasOne_NoHealthStateAndFilterNone()
    {
        var run = await _docker.RunAsync("run", "-d", "--name", "unchecked", "--network", "none", "--no-healthcheck", _healthImage, "sleep", "300");
        Assert.True(run.ExitCode == 0, run.ToString());
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var inspect = await _docker.RunAsync("inspect", "-f", "{{json .State.Health}} {{json .Config.Healthcheck.Test}}", "unchecked");
        var none = await _docker.RunAsync("ps", "--filter", "health=none", "--format", "{{.Names}} {{.Status}}");

        Assert.Equal("null [\"NONE\"]", inspect.Stdout.Trim());
        Assert.Matches(@"^unchecked Up [^(]*$", none.Stdout.Trim());
    }

    [Fact]
    public async Task ImageHealthcheck_TurnsHealthyOnceTheProbeSucceeds()
    {
        var run = await _docker.RunAsync("run", "-d", "--name", "fromimage", "--network", "none", _healthImage, "sh", "-c", "sleep 2; touch /tmp/ready; sleep 300");
        Assert.True(run.ExitCode == 0, run.ToString());

        var status = await WaitForStatusAsync("fromimage", "healthy");
        var test = await _docker.RunAsync("inspect", "-f", "{{json .Config.Healthcheck.Test}}", "fromimage");

        Assert.Equal("healthy", status);
        Assert.Equal("[\"CMD-SHELL\",\"test -e /tmp/ready\"]", test.Stdout.Trim());
    }

    [Fact]
    public async Task HealthFilter_UnknownValue_BadRequest()
    {
        var ps = await _docker.RunAsync("ps", "--filter", "health=sickly");

        Assert.NotEqual(0, ps.ExitCode);
        Assert.Contains("Unrecognised filter value for health: sickly", ps.Stderr, StringComparison.Ordinal);
    }

    private async Task<string> WaitForStatusAsync(string name, string wanted)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string status;
        do
        {
            await Task.Delay(250);
            status = (await _docker.RunAsync("inspect", "-f", "{{.State.Health.Status}}", name)).Stdout.Trim();
        }
        while (status != wanted && DateTime.UtcNow < deadline);

        return status;
    }
}
