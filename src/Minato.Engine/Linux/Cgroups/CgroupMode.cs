namespace Minato.Engine.Linux.Cgroups;

/// <summary>How the host mounts its cgroup hierarchies.</summary>
public enum CgroupMode
{
    /// <summary>cgroup v2 only: <c>/sys/fs/cgroup</c> is cgroup2 (every current distribution, kubelet 1.35+ default).</summary>
    Unified,

    /// <summary>cgroup v1 controllers, with a cgroup2 tree at <c>/sys/fs/cgroup/unified</c> for systemd only.</summary>
    Hybrid,

    /// <summary>cgroup v1 controllers only.</summary>
    Legacy,

    /// <summary>No cgroup filesystem is mounted.</summary>
    None,
}

/// <summary>Detects the <see cref="CgroupMode"/> from a mount table.</summary>
public static class CgroupModeDetector
{
    /// <summary>Detects the mode of the calling process's mount namespace.</summary>
    public static CgroupMode DetectSelf() => Detect(MountInfo.ReadSelf(), "/sys/fs/cgroup");

    /// <summary>Detects the mode from mount entries, with cgroupfs expected at <paramref name="cgroupRoot"/>.</summary>
    public static CgroupMode Detect(IReadOnlyList<MountInfoEntry> mounts, string cgroupRoot)
    {
        // The last mount on a point wins: later entries shadow earlier ones.
        var root = mounts.LastOrDefault(m => m.MountPoint == cgroupRoot);
        if (root?.FileSystemType == "cgroup2")
        {
            return CgroupMode.Unified;
        }

        var prefix = cgroupRoot + "/";
        var hasV1 = mounts.Any(m => m.FileSystemType == "cgroup" && m.MountPoint.StartsWith(prefix, StringComparison.Ordinal));
        if (!hasV1)
        {
            return CgroupMode.None;
        }

        var hasUnified = mounts.Any(m => m.FileSystemType == "cgroup2" && m.MountPoint == prefix + "unified");
        return hasUnified ? CgroupMode.Hybrid : CgroupMode.Legacy;
    }
}
