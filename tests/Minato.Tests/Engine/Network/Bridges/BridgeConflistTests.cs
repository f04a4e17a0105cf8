using System.Text.Json.Nodes;
using Minato.Engine.Network.Bridges;

namespace Minato.Tests.Engine.Network.Bridges;

public sealed class BridgeConflistTests
{
    private static readonly BridgeNetwork Network = new()
    {
        Id = "0123456789abcdef" + new string('e', 48),
        Name = "backend",
        BridgeName = "mn-0123456789ab",
        Subnet = "10.81.3.0/24",
        Gateway = "10.81.3.1",
        Created = DateTimeOffset.UnixEpoch,
    };

    private static JsonObject Render(BridgeNetwork network) => JsonNode.Parse(BridgeConflist.Render(network, "/var/lib/minato/networks/ipam"))!.AsObject();

    [Fact]
    public void Render_UserNetworkPublishing_BridgeHostLocalPortmapWithoutPerContainerMasquerade()
    {
        var list = Render(Network);

        Assert.Equal("minato-0123456789abcdef", list["name"]!.GetValue<string>());
        var plugins = list["plugins"]!.AsArray();
        Assert.Equal(["bridge", "portmap"], plugins.Select(p => p!["type"]!.GetValue<string>()));
        var bridge = plugins[0]!;
        Assert.Equal("mn-0123456789ab", bridge["bridge"]!.GetValue<string>());
        Assert.True(bridge["isGateway"]!.GetValue<bool>());
        Assert.False(bridge["ipMasq"]!.GetValue<bool>());
        var ipam = bridge["ipam"]!;
        Assert.Equal("host-local", ipam["type"]!.GetValue<string>());
        Assert.Equal("/var/lib/minato/networks/ipam", ipam["dataDir"]!.GetValue<string>());
        var range = ipam["ranges"]![0]![0]!;
        Assert.Equal("10.81.3.0/24", range["subnet"]!.GetValue<string>());
        Assert.Equal("10.81.3.1", range["gateway"]!.GetValue<string>());
        Assert.Equal("0.0.0.0/0", ipam["routes"]![0]!["dst"]!.GetValue<string>());
        Assert.True(plugins[1]!["capabilities"]!["portMappings"]!.GetValue<bool>());
    }

    [Fact]
    public void Render_EndpointPublishingNothing_BridgeAlone()
    {
        var list = JsonNode.Parse(BridgeConflist.Render(Network, "/ipam", publishes: false))!;

        Assert.Equal(["bridge"], list["plugins"]!.AsArray().Select(p => p!["type"]!.GetValue<string>()));
    }

    [Fact]
    public void Render_EndpointAddedBeforeShapes_TheOldListSoDelUndoesItsMasqueradeAndFirewallRules()
    {
        var list = JsonNode.Parse(BridgeConflist.Render(Network, "/ipam", publishes: false, shape: 0))!;

        var plugins = list["plugins"]!.AsArray();
        Assert.Equal(["bridge", "portmap", "firewall"], plugins.Select(p => p!["type"]!.GetValue<string>()));
        Assert.True(plugins[0]!["ipMasq"]!.GetValue<bool>());
    }

    [Fact]
    public void Render_IPRange_LimitsHostLocalToTheRange()
    {
        var range = Render(Network with { IPRange = "10.81.3.128/25" })["plugins"]![0]!["ipam"]!["ranges"]![0]![0]!;

        Assert.Equal("10.81.3.129", range["rangeStart"]!.GetValue<string>());
        Assert.Equal("10.81.3.254", range["rangeEnd"]!.GetValue<string>());
    }

    [Fact]
    public void Render_Internal_NoGatewayNoMasqueradeNoRouteNoPorts()
    {
        var list = Render(Network with { Internal = true });

        var plugins = list["plugins"]!.AsArray();
        Assert.Equal(["bridge"], plugins.Select(p => p!["type"]!.GetValue<string>()));
        Assert.False(plugins[0]!["isGateway"]!.GetValue<bool>());
        Assert.False(plugins[0]!["ipMasq"]!.GetValue<bool>());
        Assert.Null(plugins[0]!["ipam"]!["routes"]);
    }

    [Fact]
    public void Load_Rendered_ParsesAsANetworkList()
    {
        var list = BridgeConflist.Load(Network, "/ipam", "/conf/x.conflist");

        Assert.Equal(["bridge", "portmap"], list.PluginTypes);
        Assert.Equal(BridgeConflist.CniVersion, list.CniVersion);
    }
}
