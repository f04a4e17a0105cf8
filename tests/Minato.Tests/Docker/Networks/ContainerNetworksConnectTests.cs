using Microsoft.Extensions.Logging.Abstractions;
using Minato.Docker.Http;
using Minato.Docker.Networks;
using Minato.Engine.Network;
using Minato.Engine.Network.Bridges;
using Minato.Engine.Store;
using Minato.Testing.Fakes;

namespace Minato.Tests.Docker.Networks;

public sealed class ContainerNetworksConnectTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeCniExecutor _executor = new();
    private readonly BridgeNetworks _bridges;
    private readonly ContainerNetworks _networks;

    public ContainerNetworksConnectTests()
    {
        foreach (var plugin in new[] { "bridge", "portmap", "firewall" })
        {
            File.SetUnixFileMode(_dir.Write($"bin/{plugin}", "#!/bin/sh\n"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        var store = MetadataStore.Open(_dir.Combine("minato.db"), NetworkSchema.Module);
        _bridges = new BridgeNetworks(
            NetworkTable.Load(store), EndpointTable.Load(store),
            new BridgeNetworkOptions { Root = _dir.Combine("root"), State = _dir.Combine("state") },
            new CniChain(new CniConfigDirectory(new CniOptions { PluginDirs = [_dir.Combine("bin")] }), _executor),
            new FakeNamespaces(), new BridgeFirewall(new FakePacketFilter()), TimeProvider.System, NullLogger<BridgeNetworks>.Instance);
        _bridges.RecoverAsync(CancellationToken.None).GetAwaiter().GetResult();
        _networks = new ContainerNetworks(_bridges);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ConnectRunningAsync_SecondNetwork_Eth1AndPeersHostsFileNamesItThenDisconnectForgetsIt()
    {
        var front = await _bridges.CreateAsync(new BridgeNetworkSpec { Name = "front" }, CancellationToken.None);
        var back = await _bridges.CreateAsync(new BridgeNetworkSpec { Name = "back" }, CancellationToken.None);
        var peer = Request("c2", "db", "back");
        await _networks.ConnectAsync(peer, Environment.ProcessId, CancellationToken.None);
        var web = Request("c1", "web", "front");
        await _networks.ConnectAsync(web, Environment.ProcessId, CancellationToken.None);

        var state = await _networks.ConnectRunningAsync(web, back, new EndpointRequest(["www"]), Environment.ProcessId, CancellationToken.None);
        var peerHosts = await File.ReadAllTextAsync(peer.HostsFile);
        var interfaces = _bridges.EndpointsOf("c1").Select(e => e.InterfaceName).ToList();
        var removed = await _networks.DisconnectRunningAsync("c1", back, CancellationToken.None);
        var again = await _networks.DisconnectRunningAsync("c1", back, CancellationToken.None);

        Assert.Equal(["front", "back"], state.Endpoints.Select(e => e.NetworkName));
        Assert.Equal(["eth0", "eth1"], interfaces);
        Assert.Contains("web www", peerHosts, StringComparison.Ordinal);
        Assert.True(removed);
        Assert.False(again);
        Assert.Equal(["front"], _networks.Current("c1").Endpoints.Select(e => e.NetworkName));
        Assert.DoesNotContain("web", await File.ReadAllTextAsync(peer.HostsFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectRunningAsync_AlreadyOnThatNetwork_Forbidden403AndNothingAdded()
    {
        var front = await _bridges.CreateAsync(new BridgeNetworkSpec { Name = "front" }, CancellationToken.None);
        var web = Request("c1", "web", "front");
        await _networks.ConnectAsync(web, Environment.ProcessId, CancellationToken.None);
        var calls = _executor.Calls.Count;

        var error = await Assert.ThrowsAsync<DockerApiException>(() =>
            _networks.ConnectRunningAsync(web, front, new EndpointRequest([]), Environment.ProcessId, CancellationToken.None));

        Assert.Equal(403, error.Status);
        Assert.Equal("endpoint with name web already exists in network front", error.Message);
        Assert.Equal(calls, _executor.Calls.Count);
        Assert.Single(_bridges.EndpointsOf("c1"));
    }

    [Fact]
    public async Task ConnectAsync_ModeDetached_JoinsOnlyTheEndpointsNetworks()
    {
        await _bridges.CreateAsync(new BridgeNetworkSpec { Name = "front" }, CancellationToken.None);
        await _bridges.CreateAsync(new BridgeNetworkSpec { Name = "back" }, CancellationToken.None);
        var request = Request("c1", "web", "front") with
        {
            ModeDetached = true,
            Endpoints = new Dictionary<string, EndpointRequest> { ["back"] = new([]) },
        };

        var state = await _networks.ConnectAsync(request, Environment.ProcessId, CancellationToken.None);

        Assert.Equal(["back"], state.Endpoints.Select(e => e.NetworkName));
    }

    [Theory]
    [InlineData("host", ContainerNetworks.HostNetworkConflict)]
    [InlineData("none", ContainerNetworks.NoNetworkConflict)]
    [InlineData("container:db", ContainerNetworks.SharedNetworkConflict)]
    public void CheckModeAllowsConnect_ModeWithoutANetworkOfItsOwn_BadRequest400WithDockerdsMessage(string mode, string message)
    {
        var error = Assert.Throws<DockerApiException>(() => ContainerNetworks.CheckModeAllowsConnect(mode));

        Assert.Equal(400, error.Status);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ConnectTarget_Unknown_NotFound404()
    {
        var error = Assert.Throws<DockerApiException>(() => _networks.ConnectTarget("nosuch"));

        Assert.Equal(404, error.Status);
        Assert.Equal("network nosuch not found", error.Message);
    }

    [Fact]
    public void HostGateway_DefaultBridge_ItsGatewayAddress()
    {
        Assert.Equal(_bridges.All.Single(b => b.IsDefault).Gateway, _networks.HostGateway());
        Assert.NotEqual("", _networks.HostGateway());
    }

    private ContainerNetworkRequest Request(string id, string name, string mode) =>
        new(id, name, mode, new Dictionary<string, EndpointRequest>(), [], name + "host", _dir.Write($"hosts-{id}", ""));
}
