namespace Minato.Engine.Network.Bridges;

/// <summary>
/// The packet-filter rules a bridge network needs, made once per network rather than per container: masquerading of
/// the subnet's traffic leaving through another interface, and forwarding to and from the bridge even when another
/// daemon (dockerd) set the FORWARD policy to DROP. The CNI bridge plugin's <c>ipMasq</c> and the <c>firewall</c>
/// plugin did the same per container, which cost about twenty iptables runs on every ADD and DEL.
/// </summary>
public sealed class BridgeFirewall(IPacketFilter filter)
{
    /// <summary>Minato's chain in the filter table, jumped to from the top of FORWARD.</summary>
    public const string ForwardChain = "MINATO-FORWARD";

    /// <summary>Minato's chain in the nat table, jumped to from the top of POSTROUTING.</summary>
    public const string MasqueradeChain = "MINATO-POSTROUTING";

    /// <summary>The rules of <paramref name="network"/>; each carries a comment naming its bridge and subnet, so rules
    /// of two daemons with the same bridge are the same rules.</summary>
    public static IReadOnlyList<PacketFilterRule> RulesOf(BridgeNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        string[] comment = ["-m", "comment", "--comment", $"minato bridge {network.BridgeName} {network.Subnet}"];
        var bridge = network.BridgeName;
        if (network.Internal)
        {
            // No gateway and no route out: only traffic between the network's own containers is forwarded.
            return [new("filter", ForwardChain, ["-i", bridge, "-o", bridge, .. comment, "-j", "ACCEPT"])];
        }

        return
        [
            new("nat", MasqueradeChain, ["-s", network.Subnet, "!", "-o", bridge, .. comment, "-j", "MASQUERADE"]),
            new("filter", ForwardChain, ["-i", bridge, .. comment, "-j", "ACCEPT"]),
            new("filter", ForwardChain, ["-o", bridge, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", .. comment, "-j", "ACCEPT"]),

            // Connections to published ports (DNATed by portmap); everything else from outside stays out, as with dockerd.
            new("filter", ForwardChain, ["-o", bridge, "-m", "conntrack", "--ctstate", "DNAT", .. comment, "-j", "ACCEPT"]),
        ];
    }

    /// <summary>Makes the network's rules (and Minato's chains); idempotent.</summary>
    /// <exception cref="CniException">iptables failed.</exception>
    public async Task OpenAsync(BridgeNetwork network, CancellationToken cancellationToken)
    {
        await filter.EnsureChainAsync("filter", ForwardChain, "FORWARD", cancellationToken);
        await filter.EnsureChainAsync("nat", MasqueradeChain, "POSTROUTING", cancellationToken);
        foreach (var rule in RulesOf(network))
        {
            await filter.EnsureRuleAsync(rule, cancellationToken);
        }
    }

    /// <summary>Deletes the network's rules; the chains stay (other networks, or another daemon's, use them).</summary>
    /// <exception cref="CniException">iptables failed.</exception>
    public async Task CloseAsync(BridgeNetwork network, CancellationToken cancellationToken)
    {
        foreach (var rule in RulesOf(network))
        {
            await filter.DeleteRuleAsync(rule, cancellationToken);
        }
    }
}
