using System.Text.Json.Nodes;
using Minato.Engine.Network;
using Minato.Engine.Network.Bridges;

namespace Minato.Testing;

/// <summary>
/// Deletes the packet-filter rules a test daemon's bridge networks left: a daemon keeps them when it stops (its
/// containers keep running), but a test daemon's networks go with its directory.
/// </summary>
public static class BridgeRules
{
    /// <summary>The rules of every network whose list is under <paramref name="root"/>, except the shared default bridge
    /// <c>minato0</c> (other test daemons may be using it).</summary>
    public static async Task DeleteForRootAsync(string root)
    {
        var lists = Path.Combine(root, "networks", "conf");
        if (!Directory.Exists(lists))
        {
            return;
        }

        var firewall = new BridgeFirewall(new Iptables());
        foreach (var file in Directory.EnumerateFiles(lists, "*.conflist"))
        {
            var bridge = JsonNode.Parse(await File.ReadAllTextAsync(file))?["plugins"]?[0];
            var name = bridge?["bridge"]?.GetValue<string>() ?? "";
            var subnet = bridge?["ipam"]?["ranges"]?[0]?[0]?["subnet"]?.GetValue<string>() ?? "";
            if (name.Length == 0 || subnet.Length == 0 || name == "minato0")
            {
                continue;
            }

            var network = new BridgeNetwork
            {
                Id = Path.GetFileNameWithoutExtension(file),
                Name = name,
                BridgeName = name,
                Subnet = subnet,
                Gateway = "",
                Internal = !(bridge?["isGateway"]?.GetValue<bool>() ?? false),
                Created = DateTimeOffset.UnixEpoch,
            };
            try
            {
                await firewall.CloseAsync(network, CancellationToken.None);
            }
            catch (CniException)
            {
                // Best effort: a test's own assertions say what went wrong.
            }
        }
    }
}
