using Minato.Engine.Linux.Cgroups;

namespace Minato.Cri.Pods;

/// <summary>Where the pod's own cgroup is: the kubelet makes one per pod and names it in cgroup_parent.</summary>
public static class PodCgroup
{
    /// <summary>The cgroup path (as in <c>/proc/PID/cgroup</c>) of a pod's cgroup_parent under <paramref name="driver"/>;
    /// null when the pod has none (its containers then sit under Minato's shared default parent).</summary>
    public static string? PathOf(string cgroupParent, CgroupDriver driver)
    {
        if (cgroupParent.Length == 0)
        {
            return null;
        }

        return driver == CgroupDriver.Systemd ? SlicePath(cgroupParent) : "/" + cgroupParent.Trim('/');
    }

    /// <summary>systemd's slice nesting: <c>a-b-c.slice</c> lives at <c>/a.slice/a-b.slice/a-b-c.slice</c>.</summary>
    public static string SlicePath(string slice)
    {
        var name = slice.EndsWith(".slice", StringComparison.Ordinal) ? slice[..^".slice".Length] : slice;
        if (name is "-" or "")
        {
            return "/";
        }

        var parts = name.Split('-');
        return string.Concat(Enumerable.Range(1, parts.Length).Select(n => "/" + string.Join('-', parts.Take(n)) + ".slice"));
    }
}
