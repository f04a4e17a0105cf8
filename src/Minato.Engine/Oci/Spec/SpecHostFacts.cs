using System.Globalization;

namespace Minato.Engine.Oci.Spec;

/// <summary>Reads the facts about the daemon's own process that shape container specs.</summary>
public static class SpecHostFacts
{
    /// <summary>The daemon's effective capabilities by name (from <c>CapEff</c> in /proc/self/status).</summary>
    public static IReadOnlyList<string> EffectiveCapabilities(string statusPath = "/proc/self/status")
    {
        var line = File.ReadLines(statusPath).FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        return line is null ? Capabilities.All : FromMask(ulong.Parse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    /// <summary>The capability names whose bits are set in <paramref name="mask"/>.</summary>
    public static IReadOnlyList<string> FromMask(ulong mask) =>
        Capabilities.All.Where((_, bit) => (mask & (1UL << bit)) != 0).ToList();

    /// <summary>The daemon's oom_score_adj.</summary>
    public static int OomScoreAdj(string path = "/proc/self/oom_score_adj") =>
        int.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);

    /// <summary>True when the kernel runs AppArmor.</summary>
    public static bool AppArmorEnabled(string path = "/sys/module/apparmor/parameters/enabled") =>
        File.Exists(path) && File.ReadAllText(path).StartsWith('Y');
}
