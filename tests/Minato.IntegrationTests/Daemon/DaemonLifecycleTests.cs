using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Daemon;

/// <summary>Start-up, refusal and shutdown behaviour of the daemon process.</summary>
public sealed class DaemonLifecycleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minato-it-life-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Sigterm_DaemonExitsZeroAndRemovesItsSocket()
    {
        await using var daemon = await MinatoDaemon.StartAsync();

        var exit = await daemon.StopAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exit);
        Assert.False(File.Exists(daemon.SocketPath));
        Assert.False(File.Exists(Path.Combine(daemon.State, "minato.pid")));
        Assert.Contains("stopped; socket", daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serving_WritesItsPidUnderState()
    {
        await using var daemon = await MinatoDaemon.StartAsync();

        var pid = await File.ReadAllTextAsync(Path.Combine(daemon.State, "minato.pid"));

        Assert.Equal($"{daemon.ProcessId}\n", pid);
    }

    [Fact]
    public async Task SecondDaemon_SameSocket_RefusesAndCreatesNothing()
    {
        await using var first = await MinatoDaemon.StartAsync();
        var otherRoot = Path.Combine(_dir, "root");

        var second = await RunDaemonAsync("--listen", first.Endpoint, "--root", otherRoot, "--state", Path.Combine(_dir, "state"));

        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"another daemon is already serving {first.SocketPath}", second.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(otherRoot));
        var version = await first.Runtime.VersionAsync(new VersionRequest());
        Assert.Equal("minato", version.RuntimeName);
    }

    [Fact]
    public async Task SecondDaemon_SameRootOtherSocket_Refuses()
    {
        await using var first = await MinatoDaemon.StartAsync();

        var second = await RunDaemonAsync("--listen", $"unix://{_dir}/other.sock", "--root", first.Root, "--state", Path.Combine(_dir, "state"));

        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"another minato daemon is using root {first.Root}", second.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaleSocketFile_FromADeadDaemon_IsReplaced()
    {
        var socketPath = Path.Combine(_dir, "minato.sock");

        // A process that dies while listening leaves its socket file behind, as a SIGKILLed daemon does.
        var dead = await CommandResult.RunAsync("node", ["-e", "require('net').createServer().listen(process.argv[1], () => process.exit(0))", socketPath], TimeSpan.FromSeconds(30));
        Assert.Equal(0, dead.ExitCode);
        Assert.True(File.Exists(socketPath));

        await using var daemon = await MinatoDaemon.StartInAsync(_dir);

        var version = await daemon.Runtime.VersionAsync(new VersionRequest());
        Assert.Equal("minato", version.RuntimeName);
    }

    [Fact]
    public async Task SigkillThenRestart_ServesAgainOnTheSameSocketAndRoot()
    {
        await using (var first = await MinatoDaemon.StartInAsync(_dir))
        {
            ProcessSignals.Send(first.ProcessId, ProcessSignals.SigKill);
            Assert.Equal(128 + ProcessSignals.SigKill, await first.StopAsync(TimeSpan.FromSeconds(30)));
            Assert.True(File.Exists(first.SocketPath));
        }

        await using var second = await MinatoDaemon.StartInAsync(_dir);

        Assert.Equal("minato", (await second.Runtime.VersionAsync(new VersionRequest())).RuntimeName);
        Assert.Contains("at schema version", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadConfigKey_DaemonExitsNamingFileLineAndKey()
    {
        var config = Path.Combine(_dir, "minato.toml");
        await File.WriteAllTextAsync(config, "root = \"/tmp/x\"\nlog_levle = \"debug\"\n");

        var result = await RunDaemonAsync("--config", config, "--listen", $"unix://{_dir}/m.sock");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{config}:2: unknown key 'log_levle'", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "m.sock")));
    }

    [Fact]
    public async Task MissingConfigFile_DaemonExitsNamingIt()
    {
        var config = Path.Combine(_dir, "absent.toml");

        var result = await RunDaemonAsync("--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{config}: configuration file not found", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptDatabase_DaemonRefusesAndKeepsTheFile()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "root"));
        var db = Path.Combine(_dir, "root", "minato.db");
        await File.WriteAllTextAsync(db, string.Concat(Enumerable.Repeat("garbage ", 1000)));

        var result = await RunDaemonAsync("--listen", $"unix://{_dir}/m.sock", "--root", Path.Combine(_dir, "root"), "--state", Path.Combine(_dir, "state"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is corrupt or not a SQLite database", result.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("garbage", await File.ReadAllTextAsync(db), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "m.sock")));
    }

    private static Task<CommandResult> RunDaemonAsync(params string[] args) =>
        CommandResult.RunAsync(MinatoDaemon.Executable, ["daemon", .. args], TimeSpan.FromSeconds(60));
}
