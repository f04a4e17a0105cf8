namespace Minato.Engine.Linux.Cgroups;

/// <summary>Who creates container cgroups: Minato itself through cgroupfs, or systemd through transient scopes.</summary>
public enum CgroupDriver
{
    /// <summary>Minato writes the cgroup filesystem directly.</summary>
    Cgroupfs,

    /// <summary>systemd owns the tree; cgroups are transient units (needs a running systemd).</summary>
    Systemd,
}
