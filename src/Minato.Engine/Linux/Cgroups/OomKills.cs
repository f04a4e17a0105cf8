using System.Globalization;

namespace Minato.Engine.Linux.Cgroups;

/// <summary>The kernel's record of OOM kills in a memory cgroup: cgroup v2 <c>memory.events</c> first, v1 <c>memory.oom_control</c>.</summary>
/// <remarks>
/// The counters are raised before the killed process is reaped, so unlike a monitor's event file they cannot lose a race
/// with the exit. The runtime keeps the cgroup until the container is deleted, which is after its exit is read.
/// v1's <c>memory.failcnt</c> is not used: it counts every time usage hit the limit, which page-cache reclaim alone does.
/// </remarks>
public static class OomKills
{
    /// <summary>The directory of the memory cgroup <paramref name="pid"/> is in: the v1 memory hierarchy where that
    /// controller is mounted, else the v2 unified one; null when the process is gone or has no memory cgroup.</summary>
    public static string? MemoryCgroupOf(int pid, string root = "/sys/fs/cgroup", string proc = "/proc")
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(proc, pid.ToString(CultureInfo.InvariantCulture), "cgroup"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        string? unified = null;
        foreach (var parts in lines.Select(l => l.Split(':', 3)).Where(p => p.Length == 3))
        {
            if (parts[1].Split(',').Contains("memory"))
            {
                return Join(Path.Combine(root, "memory"), parts[2]);
            }

            if (parts[0] == "0" && parts[1].Length == 0)
            {
                unified = parts[2];
            }
        }

        // On a hybrid host the unified tree (mounted at <root>/unified) has no memory controller: only a pure v2 root counts.
        return unified is not null && File.Exists(Path.Combine(root, "cgroup.controllers")) ? Join(root, unified) : null;
    }

    /// <summary>True when the cgroup in <paramref name="directory"/> has seen an OOM kill, false when its counter says
    /// none, null when there is no counter to read (the cgroup is gone, or a v1 kernel older than 4.13).</summary>
    public static bool? Occurred(string directory)
    {
        if (directory.Length == 0)
        {
            return null;
        }

        var kills = Counter(Path.Combine(directory, "memory.events"), "oom_kill")
            ?? Counter(Path.Combine(directory, "memory.oom_control"), "oom_kill");
        return kills is { } count ? count > 0 : null;
    }

    private static ulong? Counter(string path, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0 && line.AsSpan(0, space).SequenceEqual(key) &&
                    ulong.TryParse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not this cgroup version, or the cgroup is gone.
        }

        return null;
    }

    private static string Join(string mount, string cgroupPath) => mount + (cgroupPath == "/" ? string.Empty : cgroupPath);
}
