using System.Text;
using Minato.Engine.Network;

namespace Minato.Tests.Engine.Network;

public sealed class CniProcessExecutorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ExecuteAsync_PluginReadsConfigAndEnvironment_ReturnsItsOutput()
    {
        var plugin = Script("echo \"$CNI_COMMAND $CNI_IFNAME\"; cat");

        var result = await new CniProcessExecutor(TimeSpan.FromSeconds(30)).ExecuteAsync(
            plugin, new Dictionary<string, string> { ["CNI_COMMAND"] = "ADD", ["CNI_IFNAME"] = "eth0" }, Encoding.UTF8.GetBytes("{\"a\":1}"), CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("ADD eth0\n{\"a\":1}", Encoding.UTF8.GetString(result.Stdout));
    }

    [Fact]
    public async Task ExecuteAsync_PluginExitsWithoutReadingStdin_ReportsItsExitInsteadOfBrokenPipe()
    {
        var plugin = Script("echo '{\"code\":100,\"msg\":\"early\"}'; exit 1");

        var result = await new CniProcessExecutor(TimeSpan.FromSeconds(30)).ExecuteAsync(
            plugin, new Dictionary<string, string>(), new byte[4 * 1024 * 1024], CancellationToken.None);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("early", Encoding.UTF8.GetString(result.Stdout), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_PluginHangs_IsKilledAfterTheTimeout()
    {
        var plugin = Script("exec sleep 60");

        var e = await Assert.ThrowsAsync<CniException>(() =>
            new CniProcessExecutor(TimeSpan.FromMilliseconds(300)).ExecuteAsync(plugin, new Dictionary<string, string>(), [], CancellationToken.None));

        Assert.Contains("did not finish within", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_PluginFloodsStdout_IsStoppedAtTheCap()
    {
        var plugin = Script("exec yes");

        await Assert.ThrowsAsync<CniException>(() =>
            new CniProcessExecutor(TimeSpan.FromSeconds(30)).ExecuteAsync(plugin, new Dictionary<string, string>(), [], CancellationToken.None));
    }

    [Fact]
    public async Task ExecuteAsync_Environment_IsExactlyWhatWasGiven()
    {
        var plugin = Script("env");

        var result = await new CniProcessExecutor(TimeSpan.FromSeconds(30)).ExecuteAsync(
            plugin, new Dictionary<string, string> { ["CNI_PATH"] = "/x", ["PATH"] = "/usr/bin:/bin" }, [], CancellationToken.None);

        var lines = Encoding.UTF8.GetString(result.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("PWD=", StringComparison.Ordinal) && !l.StartsWith("SHLVL=", StringComparison.Ordinal) && !l.StartsWith("_=", StringComparison.Ordinal));
        Assert.Equal(["CNI_PATH=/x", "PATH=/usr/bin:/bin"], lines.Order());
    }

    private string Script(string body)
    {
        var path = _dir.Write($"plugin-{Guid.NewGuid():N}", $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return path;
    }
}
