using System.Text.Json;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary><c>docker network create/ls/inspect/rm/prune</c> through the real CLI, and dockerd's errors.</summary>
public sealed class DockerNetworkTests : IAsyncLifetime, IDisposable
{
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;

    public async Task InitializeAsync()
    {
        _daemon = await MinatoDaemon.StartWithDockerApiAsync();
        _docker = new DockerClient(_daemon);
    }

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task NetworkLs_FreshDaemon_ListsThePredefinedNetworks()
    {
        var result = await _docker.RunAsync("network", "ls", "--format", "{{.Name}} {{.Driver}} {{.Scope}}");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["bridge bridge local", "host host local", "none null local"], result.Stdout.Trim().Split('\n').Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NetworkCreate_WithSubnetAndLabel_InspectShowsIpamOptionsAndLabels()
    {
        var create = await _docker.RunAsync("network", "create", "--subnet", "10.237.5.0/24", "--gateway", "10.237.5.254",
            "--label", "team=web", "-o", "com.docker.network.bridge.name=mnit-web", "webnet");
        Assert.True(create.ExitCode == 0, create.ToString());

        var inspect = await _docker.RunAsync("network", "inspect", "webnet");

        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        using var json = JsonDocument.Parse(inspect.Stdout);
        var network = json.RootElement[0];
        Assert.Equal(create.Stdout.Trim(), network.GetProperty("Id").GetString());
        Assert.Equal("bridge", network.GetProperty("Driver").GetString());
        var pool = network.GetProperty("IPAM").GetProperty("Config")[0];
        Assert.Equal("10.237.5.0/24", pool.GetProperty("Subnet").GetString());
        Assert.Equal("10.237.5.254", pool.GetProperty("Gateway").GetString());
        Assert.Equal("web", network.GetProperty("Labels").GetProperty("team").GetString());
        Assert.Equal("mnit-web", network.GetProperty("Options").GetProperty("com.docker.network.bridge.name").GetString());
        Assert.Equal(JsonValueKind.Object, network.GetProperty("Containers").ValueKind);
        Assert.True(File.Exists(Path.Combine(_daemon.Root, "networks", "conf", $"minato-{network.GetProperty("Id").GetString()![..16]}.conflist")));
    }

    [Fact]
    public async Task NetworkCreate_NoSubnet_GetsOneFromThePoolAndNotDockerdsDefault()
    {
        var create = await _docker.RunAsync("network", "create", "poolnet");
        Assert.True(create.ExitCode == 0, create.ToString());

        var subnet = await _docker.RunAsync("network", "inspect", "-f", "{{(index .IPAM.Config 0).Subnet}}", "poolnet");
        var bridge = await _docker.RunAsync("network", "inspect", "-f", "{{(index .IPAM.Config 0).Subnet}}", "bridge");

        Assert.StartsWith("10.81.", subnet.Stdout.Trim(), StringComparison.Ordinal);
        Assert.Equal("10.80.0.0/16", bridge.Stdout.Trim());
    }

    [Fact]
    public async Task NetworkCreate_DuplicateName_Conflict409()
    {
        Assert.Equal(0, (await _docker.RunAsync("network", "create", "dup")).ExitCode);

        var (status, body, _) = await _docker.SendAsync(HttpMethod.Post, "v1.45/networks/create", DockerClient.Json("""{"Name":"dup"}"""));
        var cli = await _docker.RunAsync("network", "create", "dup");

        Assert.Equal(409, status);
        Assert.Contains("network with name dup already exists", body, StringComparison.Ordinal);
        Assert.NotEqual(0, cli.ExitCode);
    }

    [Fact]
    public async Task NetworkCreate_OverlappingSubnet_Forbidden403()
    {
        Assert.Equal(0, (await _docker.RunAsync("network", "create", "--subnet", "10.238.0.0/16", "wide")).ExitCode);

        var (status, body, _) = await _docker.SendAsync(HttpMethod.Post, "v1.45/networks/create",
            DockerClient.Json("""{"Name":"narrow","IPAM":{"Config":[{"Subnet":"10.238.7.0/24"}]}}"""));

        Assert.Equal(403, status);
        Assert.Contains("overlaps", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Name":"x","Driver":"weave"}""", 404, "plugin \"weave\" not found")]
    [InlineData("""{"Name":"x","Driver":"overlay"}""", 400, "not supported")]
    [InlineData("""{"Name":"x","IPAM":{"Config":[{"Subnet":"10.239.0.1/24"}]}}""", 400, "host bits")]
    [InlineData("""{"Name":""}""", 400, "Name")]
    public async Task NetworkCreate_BadRequest_DockerdStatusAndMessage(string body, int status, string message)
    {
        var (answer, text, _) = await _docker.SendAsync(HttpMethod.Post, "v1.45/networks/create", DockerClient.Json(body));

        Assert.Equal(status, answer);
        using var json = JsonDocument.Parse(text);
        Assert.Contains(message, json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkInspect_Unknown_NotFound404()
    {
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Get, "v1.45/networks/nosuchnet");
        var cli = await _docker.RunAsync("network", "inspect", "nosuchnet");

        Assert.Equal(404, status);
        Assert.Contains("network nosuchnet not found", body, StringComparison.Ordinal);
        Assert.NotEqual(0, cli.ExitCode);
    }

    [Theory]
    [InlineData("bridge")]
    [InlineData("host")]
    [InlineData("none")]
    public async Task NetworkRm_Predefined_Forbidden403(string name)
    {
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Delete, $"v1.45/networks/{name}");

        Assert.Equal(403, status);
        Assert.Contains($"{name} is a pre-defined network and cannot be removed", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkRm_ByName_GoneFromListAndFiles()
    {
        var id = (await _docker.RunAsync("network", "create", "gone")).Stdout.Trim();

        var rm = await _docker.RunAsync("network", "rm", "gone");
        var ls = await _docker.RunAsync("network", "ls", "--format", "{{.Name}}");

        Assert.True(rm.ExitCode == 0, rm.ToString());
        Assert.DoesNotContain("gone", ls.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_daemon.Root, "networks", "conf", $"minato-{id[..16]}.conflist")));
    }

    [Fact]
    public async Task NetworkLs_Filters_NameDriverTypeAndLabel()
    {
        Assert.Equal(0, (await _docker.RunAsync("network", "create", "--label", "tier=front", "front1")).ExitCode);
        Assert.Equal(0, (await _docker.RunAsync("network", "create", "back1")).ExitCode);

        async Task<string[]> Names(params string[] filters)
        {
            var result = await _docker.RunAsync(["network", "ls", "--format", "{{.Name}}", .. filters.SelectMany(f => new[] { "--filter", f })]);
            Assert.True(result.ExitCode == 0, result.ToString());
            return result.Stdout.Trim().Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
        }

        Assert.Equal(["front1"], await Names("label=tier=front"));
        Assert.Equal(["back1", "front1"], await Names("type=custom"));
        Assert.Equal(["bridge", "host", "none"], await Names("type=builtin"));
        Assert.Equal(["back1"], await Names("name=back"));
        Assert.Equal(["none"], await Names("driver=null"));
        Assert.Equal(["back1", "front1"], await Names("dangling=true"));
    }

    [Fact]
    public async Task NetworkPrune_LabelFilter_RemovesOnlyMatchingUserNetworks()
    {
        Assert.Equal(0, (await _docker.RunAsync("network", "create", "--label", "tmp=1", "scratch")).ExitCode);
        Assert.Equal(0, (await _docker.RunAsync("network", "create", "keep")).ExitCode);

        var prune = await _docker.RunAsync("network", "prune", "-f", "--filter", "label=tmp");
        var ls = await _docker.RunAsync("network", "ls", "--format", "{{.Name}}");

        Assert.True(prune.ExitCode == 0, prune.ToString());
        Assert.Contains("scratch", prune.Stdout, StringComparison.Ordinal);
        Assert.Equal(["bridge", "host", "keep", "none"], ls.Stdout.Trim().Split('\n').Order(StringComparer.Ordinal));
    }
}
