using System.Text;
using System.Text.Json.Nodes;

namespace Minato.Engine.Network.Bridges;

/// <summary>
/// Renders a bridge network as the CNI network list Minato runs for an endpoint: <c>bridge</c> (the gateway unless
/// internal) with <c>host-local</c> IPAM on the network's subnet, and <c>portmap</c> when the endpoint publishes ports.
/// Masquerading and forwarding are <see cref="BridgeFirewall"/>'s rules, made once per network.
/// </summary>
public static class BridgeConflist
{
    /// <summary>The spec version of the lists; the Debian plugins (1.1) speak up to 1.0.0.</summary>
    public const string CniVersion = "1.0.0";

    /// <summary>The list's shape an endpoint was added with, kept in its record so DEL runs the same list as ADD did.</summary>
    public const int CurrentShape = 2;

    /// <summary>The list's JSON.</summary>
    /// <param name="network">The network.</param>
    /// <param name="ipamDirectory">host-local's data directory (it keeps one subdirectory per network name).</param>
    /// <param name="publishes">Whether the endpoint publishes ports (portmap runs only then).</param>
    /// <param name="shape"><see cref="CurrentShape"/>, or 0 for endpoints added before it: the bridge plugin masqueraded
    /// and the firewall plugin ran for each of them, and their DEL must undo that.</param>
    public static string Render(BridgeNetwork network, string ipamDirectory, bool publishes = true, int shape = CurrentShape)
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
                ["ipMasq"] = !network.Internal && shape < CurrentShape,
                ["hairpinMode"] = true,
                ["ipam"] = ipam,
            },
        };
        if (!network.Internal && (publishes || shape < CurrentShape))
        {
            plugins.Add(new JsonObject { ["type"] = "portmap", ["snat"] = true, ["capabilities"] = new JsonObject { ["portMappings"] = true } });
        }

        if (!network.Internal && shape < CurrentShape)
        {
            plugins.Add(new JsonObject { ["type"] = "firewall" });
        }

        return new JsonObject { ["cniVersion"] = CniVersion, ["name"] = network.CniName, ["plugins"] = plugins }.ToJsonString();
    }

    /// <summary>The list as <see cref="CniChain"/> runs it, with <paramref name="path"/> as where it is kept.</summary>
    public static CniNetworkList Load(BridgeNetwork network, string ipamDirectory, string path, bool publishes = true, int shape = CurrentShape) =>
        CniNetworkList.Parse(path, Encoding.UTF8.GetBytes(Render(network, ipamDirectory, publishes, shape)));
}
