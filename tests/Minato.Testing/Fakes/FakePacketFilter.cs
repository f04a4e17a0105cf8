using Minato.Engine.Network;

namespace Minato.Testing.Fakes;

/// <summary>A packet filter as a set of chains and rules in memory, with an optional failure on the next append.</summary>
public sealed class FakePacketFilter : IPacketFilter
{
    private readonly Lock _lock = new();
    private readonly List<string> _rules = [];
    private readonly HashSet<string> _chains = new(StringComparer.Ordinal);

    /// <summary>When set, the next <see cref="EnsureRuleAsync"/> throws it (and is cleared).</summary>
    public Exception? NextFailure { get; set; }

    /// <summary>The rules, as <see cref="PacketFilterRule.ToString"/> prints them, in the order they were appended.</summary>
    public IReadOnlyList<string> Rules
    {
        get
        {
            lock (_lock)
            {
                return [.. _rules];
            }
        }
    }

    /// <summary>The chains made, as <c>table/chain&lt;-from</c>.</summary>
    public IReadOnlyCollection<string> Chains
    {
        get
        {
            lock (_lock)
            {
                return [.. _chains];
            }
        }
    }

    public Task EnsureChainAsync(string table, string chain, string from, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _chains.Add($"{table}/{chain}<-{from}");
        }

        return Task.CompletedTask;
    }

    public Task EnsureRuleAsync(PacketFilterRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (NextFailure is { } failure)
        {
            NextFailure = null;
            throw failure;
        }

        lock (_lock)
        {
            if (!_rules.Contains(rule.ToString()))
            {
                _rules.Add(rule.ToString());
            }
        }

        return Task.CompletedTask;
    }

    public Task DeleteRuleAsync(PacketFilterRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_lock)
        {
            _rules.RemoveAll(r => r == rule.ToString());
        }

        return Task.CompletedTask;
    }
}
