namespace Minato.Engine.Network;

/// <summary>
/// A rule in the host's IPv4 packet filter: its table, its chain and its match and target arguments, as iptables
/// takes them after <c>-A CHAIN</c>.
/// </summary>
public sealed record PacketFilterRule(string Table, string Chain, IReadOnlyList<string> Arguments)
{
    /// <summary>The rule as iptables prints it in <c>-S</c> listings (for logs and test messages).</summary>
    public override string ToString() => $"-t {Table} -A {Chain} {string.Join(' ', Arguments)}";
}

/// <summary>
/// The OS seam for the host's IPv4 packet filter. Every call is idempotent, so a daemon that restarts (or a second
/// daemon with the same bridge) can apply the same rules again without duplicating them.
/// </summary>
public interface IPacketFilter
{
    /// <summary>Makes <paramref name="chain"/> in <paramref name="table"/> if missing, and a jump to it from <paramref name="from"/>
    /// at the top of that built-in chain.</summary>
    Task EnsureChainAsync(string table, string chain, string from, CancellationToken cancellationToken);

    /// <summary>Appends <paramref name="rule"/> unless an identical rule exists.</summary>
    Task EnsureRuleAsync(PacketFilterRule rule, CancellationToken cancellationToken);

    /// <summary>Deletes <paramref name="rule"/> (every copy of it); a rule that is not there is no error.</summary>
    Task DeleteRuleAsync(PacketFilterRule rule, CancellationToken cancellationToken);
}
