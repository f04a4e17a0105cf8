namespace Minato.Engine.Linux.Cgroups;

/// <summary>Where one set of processes sits in each cgroup hierarchy: v1 paths by controller, and the v2 path.</summary>
/// <param name="V1">cgroup v1 paths by controller name (<c>memory</c>, <c>cpuacct</c>, <c>pids</c>, ...).</param>
/// <param name="Unified">The cgroup v2 path, when the process is in a v2 hierarchy.</param>
public sealed record CgroupPaths(IReadOnlyDictionary<string, string> V1, string? Unified)
{
    /// <summary>The controllers the stats read under cgroup v1.</summary>
    private static readonly string[] StatsControllers = ["memory", "cpuacct", "pids"];

    /// <summary>The paths of process <paramref name="pid"/>, or null when it is gone.</summary>
    public static CgroupPaths? OfProcess(int pid)
    {
        try
        {
            return Parse(File.ReadAllLines($"/proc/{pid}/cgroup"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Parses <c>/proc/PID/cgroup</c> lines (<c>id:controllers:path</c>; v2 has an empty controller list).</summary>
    public static CgroupPaths Parse(IEnumerable<string> lines)
    {
        var v1 = new Dictionary<string, string>(StringComparer.Ordinal);
        string? unified = null;
        foreach (var line in lines)
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }

            if (parts[1].Length == 0)
            {
                unified = parts[2];
                continue;
            }

            foreach (var controller in parts[1].Split(','))
            {
                v1[controller] = parts[2];
            }
        }

        return new CgroupPaths(v1, unified);
    }

    /// <summary>One path in every hierarchy, e.g. a pod's cgroup parent (v1 controllers when <paramref name="mode"/> is not unified).</summary>
    public static CgroupPaths Uniform(string path, CgroupMode mode) =>
        mode == CgroupMode.Unified
            ? new CgroupPaths(new Dictionary<string, string>(), path)
            : new CgroupPaths(StatsControllers.ToDictionary(c => c, _ => path, StringComparer.Ordinal), null);

    /// <summary>The parent of these paths (one level up in each hierarchy); a root stays the root.</summary>
    public CgroupPaths Parent() =>
        new(V1.ToDictionary(p => p.Key, p => ParentOf(p.Value), StringComparer.Ordinal), Unified is null ? null : ParentOf(Unified));

    private static string ParentOf(string path)
    {
        var slash = path.TrimEnd('/').LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
