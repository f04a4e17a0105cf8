using System.Text.Json;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary><c>docker network connect/disconnect</c> through the real CLI, for running and created containers.</summary>
public sealed class DockerNetworkConnectTests(DockerClientsFixture fixture) : IClassFixture<DockerClientsFixture>
{
    private const string Serve = "mkdir -p /www && echo hello-from-$(hostname) > /www/index.html && exec httpd -f -p 80 -h /www";

    private DockerClient Docker => fixture.Docker;

    [Fact]
    public async Task NetworkConnect_RunningContainer_ReachesPeerByNameThenDisconnectRemovesTheInterface()
    {
        await MustAsync("network", "create", "front");
        await MustAsync("network", "create", "back");
        await MustAsync("run", "-d", "--network", "back", "--name", "backend", fixture.Image, "sh", "-c", Serve);
        await MustAsync("run", "-d", "--network", "front", "--name", "frontend", fixture.Image, "sleep", "300");
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;

        await MustAsync("network", "connect", "--alias", "fe", "back", "frontend");
        var fetched = await RetryAsync("exec", "frontend", "wget", "-qO-", "http://backend/");
        var byAlias = await RetryAsync("exec", "backend", "ping", "-c1", "-W2", "fe");
        var links = await MustAsync("exec", "frontend", "ip", "-o", "link");
        var inspect = await MustAsync("inspect", "frontend");
        await MustAsync("network", "disconnect", "back", "frontend");
        var linksAfter = await MustAsync("exec", "frontend", "ip", "-o", "link");
        var fetchAfter = await Docker.RunAsync("exec", "frontend", "wget", "-T", "2", "-qO-", "http://backend/");
        var hostsAfter = await MustAsync("exec", "backend", "cat", "/etc/hosts");
        // An exact "now" with its fraction: the CLI turns "--until 0s" into whole seconds, which drops this second's events.
        var now = DateTimeOffset.UtcNow;
        var until = FormattableString.Invariant($"{now.ToUnixTimeSeconds()}.{now.Ticks % TimeSpan.TicksPerSecond * 100:D9}");
        var events = await MustAsync("events", "--since", since.ToString(System.Globalization.CultureInfo.InvariantCulture), "--until", until,
            "--filter", "type=network", "--format", "{{.Action}} {{.Actor.Attributes.name}}");

        Assert.StartsWith("hello-from-", fetched.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, byAlias.ExitCode);
        Assert.Contains("eth1", links.Stdout, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(inspect.Stdout))
        {
            var networks = json.RootElement[0].GetProperty("NetworkSettings").GetProperty("Networks");
            Assert.True(networks.TryGetProperty("front", out _));
            Assert.Contains("fe", networks.GetProperty("back").GetProperty("Aliases").EnumerateArray().Select(a => a.GetString()));
            Assert.NotEqual("", networks.GetProperty("back").GetProperty("IPAddress").GetString());
        }

        Assert.DoesNotContain("eth1", linksAfter.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, fetchAfter.ExitCode);
        Assert.DoesNotContain("frontend", hostsAfter.Stdout, StringComparison.Ordinal);
        Assert.Equal(["connect back", "disconnect back"], events.Stdout.Trim().Split('\n'));
    }

    [Fact]
    public async Task NetworkConnect_CreatedContainer_JoinsOnlyTheConnectedNetworkAtStartAndAfterRestart()
    {
        await MustAsync("network", "create", "--subnet", "10.251.7.0/24", "late-a");
        await MustAsync("network", "create", "--subnet", "10.251.8.0/24", "late-b");
        await MustAsync("create", "--network", "late-a", "--name", "latecomer", fixture.Image, "sleep", "300");

        await MustAsync("network", "disconnect", "late-a", "latecomer");
        await MustAsync("network", "connect", "late-b", "latecomer");
        var created = await MustAsync("inspect", "-f", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", "latecomer");
        await MustAsync("start", "latecomer");
        var addresses = await MustAsync("exec", "latecomer", "ip", "-o", "-4", "addr");
        await MustAsync("restart", "-t", "0", "latecomer");
        var afterRestart = await MustAsync("exec", "latecomer", "ip", "-o", "-4", "addr");
        var ps = await MustAsync("ps", "--filter", "network=late-b", "--format", "{{.Names}}");

        Assert.Equal("late-b", created.Stdout.Trim());
        Assert.Contains("10.251.8.", addresses.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("10.251.7.", addresses.Stdout, StringComparison.Ordinal);
        Assert.Contains("10.251.8.", afterRestart.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("10.251.7.", afterRestart.Stdout, StringComparison.Ordinal);
        Assert.Equal("latecomer", ps.Stdout.Trim());
    }

    [Fact]
    public async Task NetworkConnect_BadTargets_DockerdStatuses()
    {
        await MustAsync("network", "create", "errs");
        await MustAsync("run", "-d", "--network", "errs", "--name", "errbox", fixture.Image, "sleep", "300");
        await MustAsync("run", "-d", "--network", "host", "--name", "hostbox", fixture.Image, "sleep", "300");

        var noNetwork = await PostAsync("networks/nosuchnet/connect", """{"Container":"errbox"}""");
        var noContainer = await PostAsync("networks/errs/connect", """{"Container":"nosuchbox"}""");
        var twice = await PostAsync("networks/errs/connect", """{"Container":"errbox"}""");
        var notConnected = await PostAsync("networks/bridge/disconnect", """{"Container":"errbox"}""");
        var hostMode = await PostAsync("networks/errs/connect", """{"Container":"hostbox"}""");
        var badAlias = await PostAsync("networks/bridge/connect", """{"Container":"errbox","EndpointConfig":{"Aliases":["x"]}}""");
        var cli = await Docker.RunAsync("network", "connect", "nosuchnet", "errbox");

        Assert.Equal((404, "network nosuchnet not found"), noNetwork);
        Assert.Equal((404, "No such container: nosuchbox"), noContainer);
        Assert.Equal(403, twice.Status);
        Assert.Contains("already exists in network errs", twice.Message, StringComparison.Ordinal);
        Assert.Equal(409, notConnected.Status);
        Assert.Contains("is not connected to network bridge", notConnected.Message, StringComparison.Ordinal);
        Assert.Equal(400, hostMode.Status);
        Assert.Equal(400, badAlias.Status);
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("network nosuchnet not found", cli.Stderr, StringComparison.Ordinal);
    }

    private async Task<(int Status, string Message)> PostAsync(string path, string body)
    {
        var (status, text, _) = await Docker.SendAsync(HttpMethod.Post, "v1.45/" + path, DockerClient.Json(body));
        if (status == 200)
        {
            return (status, "");
        }

        using var json = JsonDocument.Parse(text);
        return (status, json.RootElement.GetProperty("message").GetString()!);
    }

    private async Task<CommandResult> MustAsync(params string[] args)
    {
        var result = await Docker.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)}: {result}");
        return result;
    }

    /// <summary>httpd and the hosts file settle a moment after the call that changed them.</summary>
    private async Task<CommandResult> RetryAsync(params string[] args)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await Docker.RunAsync(args);
            if (result.ExitCode == 0 || attempt == 20)
            {
                return result;
            }

            await Task.Delay(250);
        }
    }
}
