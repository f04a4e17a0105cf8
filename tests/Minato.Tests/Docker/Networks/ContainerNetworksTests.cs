using Microsoft.Extensions.Logging.Abstractions;
using Minato.Docker.Http;
using Minato.Docker.Networks;
using Minato.Engine.Network;
using Minato.Engine.Network.Bridges;
using Minato.Engine.Store;
using Minato.Testing.Fakes;

namespace Minato.Tests.Docker.Networks;

public sealed class ContainerNetworksTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeCniExecutor _executor = new();
    private readonly BridgeNetworks _bridges;
    private readonly ContainerNetworks _networks;

    public ContainerNetworksTests()
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

    [Theory]
    [InlineData("none")]
    [InlineData("host")]
    [InlineData("container:web")]
    public async Task ConnectAsync_ModeWithoutNetworkOfItsOwn_EmptyAndNoPluginRun(string mode)
    {
        var state = await _networks.ConnectAsync(Request(mode), Environment.ProcessId, CancellationToken.None);

        Assert.Same(ContainerNetworkState.Empty, state);
        Assert.Empty(_executor.Calls);
    }

    [Fact]
    public void Check_UnknownNetwork_NotFound404()
    {
        var error = Assert.Throws<DockerApiException>(() => _networks.Check(Request("nosuch")));

        Assert.Equal(404, error.Status);
        Assert.Equal("network nosuch not found", error.Message);
    }

    [Fact]
    public void Check_DefaultModeWithEndpointNamedDefault_AcceptedAsTheBridge()
    {
        // What the docker CLI 28 sends for a plain `docker run`.
        var request = Request("default") with { Endpoints = new Dictionary<string, EndpointRequest> { ["default"] = new([]) } };

        _networks.Check(request);
    }

    [Fact]
    public void Check_AliasWithANewline_BadRequest400BeforeAnyHostsFileSeesIt()
    {
        var request = Request("default") with { Endpoints = new Dictionary<string, EndpointRequest> { ["bridge"] = new(["db\n10.0.0.9 bank"]) } };

        var error = Assert.ThrowsAny<Exception>(() => _networks.Check(request));
        var (status, message) = DockerErrors.Map(error);

        Assert.Equal(400, status);
        Assert.StartsWith("network alias", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AliasOnDefaultBridge_BadRequest400()
    {
        var request = Request("default") with { Endpoints = new Dictionary<string, EndpointRequest> { ["bridge"] = new(["db"]) } };

        var error = Assert.Throws<DockerApiException>(() => _networks.Check(request));

        Assert.Equal(400, error.Status);
        Assert.Contains("user defined networks", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_UserNetworkPlusEndpoint_Eth0Eth1PortsAndStateThenDisconnectForgets()
    {
        await _bridges.CreateAsync(new BridgeNetworkSpec { Name = "front" }, CancellationToken.None);
        await _bridges.CreateAsync(new BridgeNetworkSpec { Name = "back" }, CancellationToken.None);
        var request = Request("front") with
        {
            Endpoints = new Dictionary<string, EndpointRequest> { ["back"] = new(["db"]) },
            Ports = [new PortPublication(80, "tcp", "", 0)],
        };

        var state = await _networks.ConnectAsync(request, Environment.ProcessId, CancellationToken.None);

        Assert.Equal(["front", "back"], state.Endpoints.Select(e => e.NetworkName));
        Assert.Equal(["db"], state.Endpoints[1].Aliases);
        Assert.NotEqual(0, Assert.Single(state.Ports).HostPort);
        Assert.Equal(state.Endpoints, _networks.Current("c1").Endpoints);

        await _networks.DisconnectAsync("c1", CancellationToken.None);
        await _networks.DisconnectAsync("c1", CancellationToken.None);

        Assert.Same(ContainerNetworkState.Empty, _networks.Current("c1"));
        Assert.Empty(_executor.Allocations);
    }

    private ContainerNetworkRequest Request(string mode) =>
        new("c1", "web", mode, new Dictionary<string, EndpointRequest>(), [], "c1host", _dir.Write("hosts", ""));
}
