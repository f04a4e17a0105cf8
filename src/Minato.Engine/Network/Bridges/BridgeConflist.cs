using System.Text;
using System.Text.Json.Nodes;

namespace Minato.Engine.Network.Bridges;

/// <summary>
/// Renders a bridge network as the CNI network list Minato runs for it: <c>bridge</c> (gateway and masquerading unless
/// internal) with <c>host-local</c> IPAM on the network's subnet, <c>portmap</c> for published ports and <c>firewall</c>,
/// which lets forwarded traffic through even when another daemon (dockerd) set the FORWARD policy to DROP.
/// </summary>
public static class BridgeConflist
{
    /// <summary>The spec version of the lists; the Debian plugins (1.1) speak up to 1.0.0.</summary>
    public const string CniVersion = "1.0.0";

    /// <summary>The list's JSON.</summary>
    /// <param name="network">The network.</param>
    /// <param name="ipamDirectory">host-local's data directory (it keeps one subdirectory per network name).</param>
    public static string Render(BridgeNetwork network, string ipamDirectory)
    {
        ArgumentNullException.ThrowIfNull(network);
        var range = new JsonObject { ["subnet"] = network.Subnet, ["gateway"] = network.Gateway };
        if (network.IPRange.Length > 0)
        {
            var ipRange = Ipv4Subnet.Parse(network.IPRange, "IPRange");
            range["rangeStart"] = Ipv4Subnet.ToAddress(ipRange.Network + 1).ToString();
            range["rangeEnd"] = Ipv4Subnet.ToAddress(ipRange.Last - 1).ToString();
        }

        var ipam = new JsonObject
        {
            ["type"] = "host-local",
            ["ranges"] = new JsonArray(new JsonArray(range)),
            ["dataDir"] = ipamDirectory,
        };
        if (!network.Internal)
        {
            ipam["routes"] = new JsonArray(new JsonObject { ["dst"] = "0.0.0.0/0" });
        }

        var plugins = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "bridge",
                ["bridge"] = network.BridgeName,
                ["isGateway"] = !network.Internal,
                ["ipMasq"] = !network.Internal,
                ["hairpinMode"] = true,
                ["ipam"] = ipam,
            },
        };
        if (!network.Internal)
        {
            plugins.Add(new JsonObject { ["type"] = "portmap", ["snat"] = true, ["capabilities"] = new JsonObject { ["portMappings"] = true } });
            plugins.Add(new JsonObject { ["type"] = "firewall" });
        }

        return new JsonObject { ["cniVersion"] = CniVersion, ["name"] = network.CniName, ["plugins"] = plugins }.ToJsonString();
    }

    /// <summary>The list as <see cref="CniChain"/> runs it, with <paramref name="path"/> as where it is kept.</summary>
    public static CniNetworkList Load(BridgeNetwork network, string ipamDirectory, string path) =>
        CniNetworkList.Parse(path, Encoding.UTF8.GetBytes(Render(network, ipamDirectory)));
}
