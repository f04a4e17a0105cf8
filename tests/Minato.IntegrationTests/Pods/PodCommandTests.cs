using System.Text.Json;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Pods;

/// <summary>The pod verbs (runp, pods, inspectp, stopp, rmp) as a person runs them.</summary>
public sealed class PodCommandTests : IAsyncLifetime
{
    private TestNetwork _network = null!;
    private MinatoDaemon _daemon = null!;

    public async Task InitializeAsync()
    {
        _network = TestNetwork.Create();
        _daemon = await MinatoDaemon.StartAsync("--cni-config-dir", _network.ConfigDir);
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _network.DisposeAsync();
    }

    [Fact]
    public async Task PodVerbs_CrictlStyleConfig_RunListInspectStopRemove()
    {
        var config = Path.Combine(_daemon.Directory, "pod.json");
        await File.WriteAllTextAsync(config, """
            {"metadata": {"name": "cli-web", "namespace": "default", "uid": "cli-1", "attempt": 0},
             "hostname": "cli-web", "log_directory": "/tmp/minato-it-logs/cli-web",
             "labels": {"tier": "front"},
             "linux": {"security_context": {"namespace_options": {"pid": 1}}}}
            """);

        var run = await MinatoAsync("runp", config);
        var id = run.Stdout.Trim();
        var table = await MinatoAsync("pods");
        var quiet = await MinatoAsync("pods", "-q", "--label", "tier=front");
        var inspect = await MinatoAsync("inspectp", id[..12]);
        var stop = await MinatoAsync("stopp", id);
        var notReady = await MinatoAsync("pods", "-o", "json", "--state", "notready");
        var remove = await MinatoAsync("rmp", id);
        var empty = await MinatoAsync("pods", "-q");

        Assert.Matches("^[0-9a-f]{64}$", id);
        Assert.Matches(@"POD ID\s+CREATED\s+STATE\s+NAME\s+NAMESPACE\s+ATTEMPT\s+RUNTIME", table.Stdout);
        Assert.Matches(@$"{id[..13]}\s+\d+ seconds ago\s+Ready\s+cli-web\s+default\s+0\s+\(default\)", table.Stdout);
        Assert.Equal(id, quiet.Stdout.Trim());
        using var json = JsonDocument.Parse(inspect.Stdout);
        Assert.Equal("cli-web", json.RootElement.GetProperty("status").GetProperty("metadata").GetProperty("name").GetString());
        Assert.StartsWith("10.234.", json.RootElement.GetProperty("status").GetProperty("network").GetProperty("ip").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, stop.ExitCode);
        Assert.Contains(id, notReady.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, remove.ExitCode);
        Assert.Equal(string.Empty, empty.Stdout.Trim());
    }

    [Fact]
    public async Task Runp_MalformedConfig_NamesTheFile()
    {
        var config = Path.Combine(_daemon.Directory, "bad.json");
        await File.WriteAllTextAsync(config, """{"metadata": {"name": 5""");

        var result = await CommandResult.RunAsync(MinatoDaemon.Executable, ["runp", "--endpoint", _daemon.Endpoint, config], TimeSpan.FromSeconds(60));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(config, result.Stderr, StringComparison.Ordinal);
    }

    private async Task<CommandResult> MinatoAsync(params string[] args)
    {
        var result = await CommandResult.RunAsync(MinatoDaemon.Executable, [.. args, "--endpoint", _daemon.Endpoint], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
