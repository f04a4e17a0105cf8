using System.Text;
using System.Text.Json.Nodes;
using Minato.Engine.Network;
using Minato.Testing.Fakes;

namespace Minato.Tests.Engine.Network;

public sealed class CniChainTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeCniExecutor _executor = new();
    private readonly CniChain _chain;
    private readonly CniNetworkList _network;
    private readonly CniAttachment _attachment = new("sandbox1", "/run/x/ns/net", "eth0", [new("IgnoreUnknown", "1"), new("K8S_POD_NAME", "web")]);

    public CniChainTests()
    {
        foreach (var plugin in new[] { "bridge", "portmap", "tuning" })
        {
            var path = _dir.Write($"bin/{plugin}", "#!/bin/sh\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        var directory = new CniConfigDirectory(new CniOptions { ConfigDir = _dir.Combine("net.d"), PluginDirs = [_dir.Combine("bin")] });
        _chain = new CniChain(directory, _executor);
        _network = CniNetworkList.Parse("x.conflist", Encoding.UTF8.GetBytes("""
            {"cniVersion":"1.0.0","name":"pods","plugins":[
              {"type":"bridge","bridge":"cni0","ipam":{"type":"host-local"}},
              {"type":"portmap","capabilities":{"portMappings":true,"bandwidth":false}},
              {"type":"tuning","runtimeConfig":{"mac":"forged"}}]}
            """));
    }

    public void Dispose() => _dir.Dispose();

    private static JsonObject RuntimeConfig => new()
    {
        ["portMappings"] = new JsonArray(new JsonObject { ["hostPort"] = 8080, ["containerPort"] = 80, ["protocol"] = "tcp" }),
        ["bandwidth"] = new JsonObject { ["ingressRate"] = 1000 },
    };

    [Fact]
    public async Task AddAsync_Chain_RunsInOrderPassingPrevResultAndEnvironment()
    {
        var result = await _chain.AddAsync(_network, _attachment, RuntimeConfig, CancellationToken.None);

        var calls = _executor.Calls.ToList();
        Assert.Equal(["bridge", "portmap", "tuning"], calls.Select(c => c.Plugin));
        Assert.All(calls, c => Assert.Equal("ADD", c.Command));
        Assert.Null(calls[0].Config["prevResult"]);
        Assert.Equal("10.99.0.3/24", calls[1].Config["prevResult"]!["ips"]![0]!["address"]!.GetValue<string>());
        Assert.All(calls, c => Assert.Equal("pods", c.Config["name"]!.GetValue<string>()));
        Assert.All(calls, c => Assert.Equal("1.0.0", c.Config["cniVersion"]!.GetValue<string>()));
        var env = calls[0].Environment;
        Assert.Equal("sandbox1", env["CNI_CONTAINERID"]);
        Assert.Equal("/run/x/ns/net", env["CNI_NETNS"]);
        Assert.Equal("eth0", env["CNI_IFNAME"]);
        Assert.Equal("IgnoreUnknown=1;K8S_POD_NAME=web", env["CNI_ARGS"]);
        Assert.Equal(_dir.Combine("bin"), env["CNI_PATH"]);
        Assert.Equal("10.99.0.3", Assert.Single(result.Addresses).ToString());
    }

    [Fact]
    public async Task AddAsync_CapabilityArgs_GoOnlyToPluginsThatDeclareThem()
    {
        await _chain.AddAsync(_network, _attachment, RuntimeConfig, CancellationToken.None);

        var calls = _executor.Calls.ToList();
        Assert.Null(calls[0].Config["runtimeConfig"]);
        Assert.Equal(8080, calls[1].Config["runtimeConfig"]!["portMappings"]![0]!["hostPort"]!.GetValue<int>());
        Assert.Null(calls[1].Config["runtimeConfig"]!["bandwidth"]);

        // A runtimeConfig written in the file itself is not trusted: only the runtime supplies it.
        Assert.Null(calls[2].Config["runtimeConfig"]);
    }

    [Fact]
    public async Task AddAsync_LaterPluginFails_DeletesTheWholeChainAndReportsThePluginMessage()
    {
        _executor.Failures[("portmap", "ADD")] = "port 8080 already in use";

        var e = await Assert.ThrowsAsync<CniException>(() => _chain.AddAsync(_network, _attachment, RuntimeConfig, CancellationToken.None));

        Assert.Contains("CNI plugin portmap ADD failed: port 8080 already in use: fake failure", e.Message, StringComparison.Ordinal);
        var deletes = _executor.Calls.Where(c => c.Command == "DEL").Select(c => c.Plugin).ToList();
        Assert.Equal(["tuning", "portmap", "bridge"], deletes);
        Assert.Empty(_executor.Allocations);
    }

    [Fact]
    public async Task DeleteAsync_CachedResult_RunsInReverseWithPrevResult()
    {
        var result = await _chain.AddAsync(_network, _attachment, RuntimeConfig, CancellationToken.None);
        _executor.Calls.Clear();

        await _chain.DeleteAsync(_network, _attachment, RuntimeConfig, result.Raw, CancellationToken.None);

        var calls = _executor.Calls.ToList();
        Assert.Equal(["tuning", "portmap", "bridge"], calls.Select(c => c.Plugin));
        Assert.All(calls, c => Assert.Equal(result.Addresses[0].ToString() + "/24", c.Config["prevResult"]!["ips"]![0]!["address"]!.GetValue<string>()));
        Assert.Empty(_executor.Allocations);
    }

    [Fact]
    public async Task AddAsync_PluginBinaryMissing_SaysWhereItLooked()
    {
        var network = CniNetworkList.Parse("y", Encoding.UTF8.GetBytes("""{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"macvlan"}]}"""));

        var e = await Assert.ThrowsAsync<CniException>(() => _chain.AddAsync(network, _attachment, new JsonObject(), CancellationToken.None));

        Assert.Contains("CNI plugin macvlan not found in", e.Message, StringComparison.Ordinal);
    }
}
