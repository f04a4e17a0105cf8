using System.Runtime.InteropServices;

namespace Minato.Engine.Images.Manifests;

/// <summary>Chooses the manifest of an index that this host can run.</summary>
/// <remarks>
/// The OS must be linux and the architecture the host's; among variants the best the host supports wins
/// (amd64 micro-architecture levels v1..v4, arm64 v8.x, arm v5..v7), an entry without a variant counting as the
/// architecture's baseline. Entries without a platform (attestations, artifacts) are never chosen.
/// </remarks>
public sealed class PlatformMatcher(string architecture, IReadOnlyList<string> variants)
{
    /// <summary>The architecture name used in OCI platforms (<c>amd64</c>, <c>arm64</c>, ...).</summary>
    public string Architecture { get; } = architecture;

    /// <summary>Variants this host runs, best first; the last is the baseline.</summary>
    public IReadOnlyList<string> Variants { get; } = variants;

    /// <summary>The matcher for the machine this process runs on.</summary>
    public static PlatformMatcher Host { get; } = ForHost();

    /// <summary>The best entry of <paramref name="manifests"/>, or an <see cref="UnsupportedImageException"/> listing what exists.</summary>
    public Descriptor Choose(IReadOnlyList<Descriptor> manifests, Digest index)
    {
        var best = manifests
            .Where(m => m.Platform is { } p && p.Os == "linux" && p.Architecture == Architecture && Rank(p.Variant) >= 0)
            .OrderBy(m => Rank(m.Platform!.Variant))
            .FirstOrDefault();
        return best ?? throw new UnsupportedImageException(
            $"index {index} has no manifest for linux/{Architecture} (it has: " +
            $"{string.Join(", ", manifests.Select(m => m.Platform?.ToString() ?? "unknown").Distinct())})");
    }

    /// <summary>True when an image config's platform can run here.</summary>
    public bool Accepts(string? os, string? architecture) =>
        (string.IsNullOrEmpty(os) || os == "linux") && (string.IsNullOrEmpty(architecture) || architecture == Architecture);

    // Lower is better; -1 is "cannot run". No variant is the baseline.
    private int Rank(string? variant)
    {
        if (string.IsNullOrEmpty(variant))
        {
            return Variants.Count;
        }

        for (var i = 0; i < Variants.Count; i++)
        {
            if (Variants[i] == variant)
            {
                return i;
            }
        }

        return -1;
    }

    private static PlatformMatcher ForHost() => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => new PlatformMatcher("amd64", Amd64Levels(CpuFlags())),
        System.Runtime.InteropServices.Architecture.Arm64 => new PlatformMatcher("arm64", ["v8.2", "v8.1", "v8"]),
        System.Runtime.InteropServices.Architecture.Arm => new PlatformMatcher("arm", ["v7", "v6", "v5"]),
        var other => new PlatformMatcher(other.ToString().ToLowerInvariant(), []),
    };

    /// <summary>The x86-64 micro-architecture levels the CPU flags satisfy, best first.</summary>
    internal static IReadOnlyList<string> Amd64Levels(IReadOnlySet<string> flags)
    {
        string[][] levels =
        [
            ["sse4_2", "popcnt", "ssse3", "cx16"],
            ["avx2", "bmi2", "fma", "movbe"],
            ["avx512f", "avx512bw", "avx512dq", "avx512vl"],
        ];
        var result = new List<string> { "v1" };
        for (var i = 0; i < levels.Length && levels[i].All(flags.Contains); i++)
        {
            result.Insert(0, $"v{i + 2}");
        }

        return result;
    }

    private static HashSet<string> CpuFlags()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return line is null ? [] : [.. line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
