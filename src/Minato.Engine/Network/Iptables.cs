using System.Diagnostics;

namespace Minato.Engine.Network;

/// <summary>
/// <see cref="IPacketFilter"/> on the host's <c>iptables</c> command (legacy or nft, whichever the host selected), with
/// <c>-w</c> so that concurrent callers (CNI plugins, another daemon) wait for the lock instead of failing.
/// </summary>
public sealed class Iptables : IPacketFilter
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <inheritdoc/>
    public async Task EnsureChainAsync(string table, string chain, string from, CancellationToken cancellationToken)
    {
        // -N fails when the chain exists: that is the idempotent case, checked by listing it rather than by parsing messages.
        if ((await RunAsync(["-t", table, "-S", chain], cancellationToken)).ExitCode != 0)
        {
            await RunCheckedAsync(["-t", table, "-N", chain], cancellationToken, tolerateExisting: true);
        }

        if ((await RunAsync(["-t", table, "-C", from, "-j", chain], cancellationToken)).ExitCode != 0)
        {
            await RunCheckedAsync(["-t", table, "-I", from, "1", "-j", chain], cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async Task EnsureRuleAsync(PacketFilterRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if ((await RunAsync(["-t", rule.Table, "-C", rule.Chain, .. rule.Arguments], cancellationToken)).ExitCode != 0)
        {
            await RunCheckedAsync(["-t", rule.Table, "-A", rule.Chain, .. rule.Arguments], cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async Task DeleteRuleAsync(PacketFilterRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);

        // Bounded: a rule can only have been appended a handful of times (racing daemons), never unboundedly.
        for (var i = 0; i < 16 && (await RunAsync(["-t", rule.Table, "-C", rule.Chain, .. rule.Arguments], cancellationToken)).ExitCode == 0; i++)
        {
            await RunCheckedAsync(["-t", rule.Table, "-D", rule.Chain, .. rule.Arguments], cancellationToken);
        }
    }

    private static async Task RunCheckedAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool tolerateExisting = false)
    {
        var (exitCode, stderr) = await RunAsync(arguments, cancellationToken);
        if (exitCode != 0 && !(tolerateExisting && stderr.Contains("exists", StringComparison.OrdinalIgnoreCase)))
        {
            throw new CniException($"iptables {string.Join(' ', arguments)} failed (exit {exitCode}): {stderr.Trim()}");
        }
    }

    private static async Task<(int ExitCode, string Stderr)> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = ExecutableSearch.Find("iptables")
            ?? throw new CniException("iptables not found: bridge networks need it for masquerading and forwarding (Debian package iptables)");
        var start = new ProcessStartInfo(path) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-w");
        start.ArgumentList.Add("10");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new CniException($"cannot start {path}");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = await process.StandardError.ReadToEndAsync(deadline.Token);
            await stdout;
            await process.WaitForExitAsync(deadline.Token);
            return (process.ExitCode, stderr.Length > 4096 ? stderr[..4096] : stderr);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new CniException($"iptables {string.Join(' ', arguments)} did not finish within {Timeout.TotalSeconds:0} s");
        }
    }
}
