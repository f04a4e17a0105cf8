using Minato.Engine.Errors;

namespace Minato.Engine.Devices.Cdi;

/// <summary>Finds edits of two different devices (or specs) that cannot both hold: the same environment variable, device
/// node path or mount point set to different things, or two Intel RDT classes.</summary>
/// <remarks>CDI itself lets the later edit win silently; a container that asked for both devices would then get one of
/// them half-configured, so Minato refuses it and names both. Identical edits (two GPUs of one spec setting the same
/// variable to the same value) are not conflicts.</remarks>
internal static class CdiConflicts
{
    /// <exception cref="InvalidInputException">Two edit sets conflict; the message names both and what they disagree on.</exception>
    public static void Check(IReadOnlyList<CdiEditSet> sets)
    {
        var env = new Dictionary<string, (string Value, CdiEditSet Set)>(StringComparer.Ordinal);
        var nodes = new Dictionary<string, (string Value, CdiEditSet Set)>(StringComparer.Ordinal);
        var mounts = new Dictionary<string, (string Value, CdiEditSet Set)>(StringComparer.Ordinal);
        (string Value, CdiEditSet Set)? rdt = null;
        foreach (var set in sets)
        {
            foreach (var entry in set.Edits.Env ?? [])
            {
                var split = entry.IndexOf('=', StringComparison.Ordinal);
                Claim(env, entry[..split], entry[(split + 1)..], set, "environment variable");
            }

            foreach (var (node, _) in set.Nodes)
            {
                Claim(nodes, node.Path, $"{node.Type} {node.Major}:{node.Minor}", set, "device node");
            }

            foreach (var mount in set.Edits.Mounts ?? [])
            {
                Claim(mounts, mount.ContainerPath!, $"{mount.Type} {mount.HostPath} {string.Join(',', mount.Options ?? [])}", set, "mount point");
            }

            if (set.Edits.IntelRdt is { } intelRdt)
            {
                var value = $"{intelRdt.ClosId}|{intelRdt.L3CacheSchema}|{intelRdt.MemBwSchema}|{intelRdt.EnableCmt}|{intelRdt.EnableMbm}";
                if (rdt is { } other && other.Value != value && other.Set != set)
                {
                    throw Conflict(other.Set, set, "intelRdt", "different classes of service");
                }

                rdt = (value, set);
            }
        }
    }

    private static void Claim(Dictionary<string, (string Value, CdiEditSet Set)> claims, string key, string value, CdiEditSet set, string what)
    {
        if (claims.TryGetValue(key, out var other) && other.Value != value && other.Set != set)
        {
            throw Conflict(other.Set, set, $"{what} {key}", "different values");
        }

        claims[key] = (value, set);
    }

    private static InvalidInputException Conflict(CdiEditSet first, CdiEditSet second, string what, string how) =>
        new($"{first.Origin} and {second.Origin} conflict: they set {what} to {how}");
}
