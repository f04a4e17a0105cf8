using System.Text;

namespace Minato.Bench.Docker;

/// <summary>Undoes what dockerd does to the host's iptables (its DOCKER chains, the rules for its bridge, the FORWARD policy
/// it sets to DROP), rule by rule, so rules other programs added meanwhile (CNI plugins of running tests) stay.</summary>
internal static class DockerdFirewall
{
    /// <summary>The FORWARD policy before dockerd started (ACCEPT when the filter table did not exist).</summary>
    public static async Task<string> ForwardPolicyAsync(CancellationToken ct)
    {
        var filter = await DockerEngineHosts.RunAsync("iptables-save", ["-t", "filter"], ct);
        var line = filter.Split('\n').FirstOrDefault(l => l.StartsWith(":FORWARD ", StringComparison.Ordinal));
        return line?.Split(' ')[1] ?? "ACCEPT";
    }

    public static async Task RestoreAsync(string forwardPolicy, string bridge)
    {
        foreach (var table in new[] { "filter", "nat" })
        {
            var lines = (await DockerEngineHosts.RunAsync("iptables-save", ["-t", table], CancellationToken.None)).Split('\n');
            var chains = lines.Where(l => l.StartsWith(":DOCKER", StringComparison.Ordinal)).Select(l => l[1..].Split(' ')[0]).ToList();
            foreach (var chain in chains)
            {
                await DockerEngineHosts.RunAsync("iptables", ["-t", table, "-F", chain], CancellationToken.None);
            }

            foreach (var rule in lines.Where(l => l.StartsWith("-A ", StringComparison.Ordinal) && !l.StartsWith("-A DOCKER", StringComparison.Ordinal)
                && (l.Contains("-j DOCKER", StringComparison.Ordinal) || l.Contains(bridge, StringComparison.Ordinal))))
            {
                var args = Tokens(rule);
                args[0] = "-D";
                await DockerEngineHosts.RunAsync("iptables", ["-t", table, .. args], CancellationToken.None);
            }

            foreach (var chain in chains)
            {
                await DockerEngineHosts.RunAsync("iptables", ["-t", table, "-X", chain], CancellationToken.None);
            }
        }

        await DockerEngineHosts.RunAsync("iptables", ["-P", "FORWARD", forwardPolicy], CancellationToken.None);
    }

    /// <summary>Splits an iptables-save rule into arguments; double quotes group (comments), as iptables-save writes them.</summary>
    private static List<string> Tokens(string rule)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in rule)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ' ' && !quoted)
            {
                if (current.Length > 0)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }
}
