using System.Text.Json;
using Minato.Testing;

namespace Minato.IntegrationTests.Daemon;

/// <summary><c>minato version</c> and <c>minato info</c> run as a person would, against a real daemon.</summary>
public sealed class ClientCommandTests : IAsyncLifetime
{
    private MinatoDaemon _daemon = null!;

    public async Task InitializeAsync() => _daemon = await MinatoDaemon.StartAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task Version_WithEndpointFlag_PrintsRuntimeNameAndApiVersion()
    {
        var result = await MinatoAsync(null, "version", "--endpoint", _daemon.Endpoint);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"RuntimeName:\s+minato", result.Stdout);
        Assert.Matches(@"RuntimeApiVersion:\s+v1", result.Stdout);
    }

    [Fact]
    public async Task Version_EndpointFromEnvironment_PrintsJson()
    {
        var result = await MinatoAsync(_daemon.Endpoint, "version", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal("minato", json.RootElement.GetProperty("runtimeName").GetString());
        Assert.Equal("v1", json.RootElement.GetProperty("runtimeApiVersion").GetString());
    }

    [Fact]
    public async Task Info_Text_ShowsConditionsDriverAndConfig()
    {
        var result = await MinatoAsync(_daemon.Endpoint, "info");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"RuntimeReady\s+true", result.Stdout);
        Assert.Matches(@"NetworkReady\s+(true|false)", result.Stdout);
        Assert.Matches(@"Cgroup driver:\s+cgroupfs", result.Stdout);
        Assert.Contains(_daemon.Root, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_Json_HasConditionsAndParsedInfo()
    {
        var result = await MinatoAsync(_daemon.Endpoint, "info", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(2, json.RootElement.GetProperty("status").GetProperty("conditions").GetArrayLength());
        Assert.Equal(_daemon.State, json.RootElement.GetProperty("info").GetProperty("config").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Version_NoDaemonOnEndpoint_FailsWithAClearMessage()
    {
        var result = await MinatoAsync(null, "version", "--endpoint", "unix:///nonexistent/minato.sock");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot reach the CRI runtime at unix:///nonexistent/minato.sock", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("is `minato daemon` running?", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigDefault_PrintsACommentedFileThatConfigCheckAccepts()
    {
        var printed = await MinatoAsync(null, "config", "default");
        var file = Path.Combine(_daemon.Directory, "default.toml");
        await File.WriteAllTextAsync(file, printed.Stdout);

        var check = await MinatoAsync(null, "config", "check", file);

        Assert.Equal(0, printed.ExitCode);
        Assert.Contains("# CRI endpoint", printed.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, check.ExitCode);
        Assert.Contains($"{file}: ok", check.Stdout, StringComparison.Ordinal);
    }

    private static Task<CommandResult> MinatoAsync(string? envEndpoint, params string[] args) =>
        CommandResult.RunAsync(MinatoDaemon.Executable, args, TimeSpan.FromSeconds(60),
            new Dictionary<string, string?> { ["CONTAINER_RUNTIME_ENDPOINT"] = envEndpoint });
}
