namespace Minato.Engine.Oci.Spec;

/// <summary>The kernel filesystems every container gets, and the two mount shapes front doors build from.</summary>
public static class StandardMounts
{
    private static readonly string[] KernelOptions = ["nosuid", "noexec", "nodev"];

    /// <summary>/proc, /dev, /dev/pts, /dev/mqueue, /sys and /sys/fs/cgroup (the last two writable only when privileged).</summary>
    public static IEnumerable<SpecMount> Kernel(bool privileged)
    {
        var sysAccess = privileged ? "rw" : "ro";
        yield return Filesystem("/proc", "proc", KernelOptions);
        yield return Filesystem("/dev", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]);
        yield return Filesystem("/dev/pts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]);
        yield return Filesystem("/dev/mqueue", "mqueue", KernelOptions);
        yield return Filesystem("/sys", "sysfs", [.. KernelOptions, sysAccess]);
        yield return Filesystem("/sys/fs/cgroup", "cgroup", [.. KernelOptions, "relatime", sysAccess]);
    }

    /// <summary>A private /dev/shm of 64 MiB (or <paramref name="sizeBytes"/>).</summary>
    public static SpecMount Shm(long sizeBytes = 0) =>
        Filesystem("/dev/shm", "tmpfs", [.. KernelOptions, "mode=1777", sizeBytes > 0 ? $"size={sizeBytes}" : "size=65536k"]);

    /// <summary>A kernel filesystem of <paramref name="type"/> at <paramref name="destination"/>.</summary>
    public static SpecMount Filesystem(string destination, string type, IReadOnlyList<string> options) =>
        new() { Destination = destination, Type = type, Source = type, Options = options };

    /// <summary>A recursive bind of <paramref name="source"/> with <paramref name="propagation"/> and <c>ro</c> or <c>rw</c>.</summary>
    public static SpecMount Bind(string destination, string source, string propagation, string access) =>
        new() { Destination = destination, Type = "bind", Source = source, Options = ["rbind", propagation, access] };

    /// <summary>Orders mounts so a parent destination is mounted before anything below it (stable otherwise).</summary>
    public static List<SpecMount> InMountOrder(IEnumerable<SpecMount> mounts) =>
        mounts.OrderBy(m => m.Destination.Count(c => c == '/')).ToList();
}
