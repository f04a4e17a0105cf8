using System.Runtime.InteropServices;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Oci.Spec;

namespace Minato.Docker.Containers;

/// <summary>What the Docker spec builder takes from the host, read once at start-up.</summary>
public sealed record DockerSpecOptions
{
    /// <summary>Docker's default capability set (moby's oci/caps defaults).</summary>
    public static readonly IReadOnlyList<string> DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    /// <summary><c>cgroupfs</c> or <c>systemd</c>.</summary>
    public string CgroupDriver { get; init; } = "cgroupfs";

    public bool CgroupV2 { get; init; }

    /// <summary>The kernel counts swap (cgroup v2, or v1 with memsw); without it no swap limit is written.</summary>
    public bool SwapAccounting { get; init; }

    /// <summary>catatonit, bound at <c>/sbin/docker-init</c> for <c>--init</c>; null when not installed.</summary>
    public string? InitPath { get; init; }

    /// <summary>What the daemon holds: a privileged container gets these, and <c>--cap-add ALL</c> means these.</summary>
    public IReadOnlyList<string> HostCapabilities { get; init; } = Capabilities.All;

    public Architecture Architecture { get; init; } = RuntimeInformation.OSArchitecture;

    /// <summary>The host's name, for containers on the host network.</summary>
    public string HostName { get; init; } = Environment.MachineName;

    /// <summary>The host's resolver configuration that containers get (minus loopback nameservers).</summary>
    public string ResolvConf { get; init; } = "/etc/resolv.conf";

    /// <summary>Read from this machine.</summary>
    public static DockerSpecOptions FromHost(string cgroupDriver, string? initPath)
    {
        var mode = CgroupModeDetector.DetectSelf();
        return new DockerSpecOptions
        {
            CgroupDriver = cgroupDriver,
            CgroupV2 = mode == CgroupMode.Unified,
            SwapAccounting = mode == CgroupMode.Unified || File.Exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"),
            InitPath = initPath,
            HostCapabilities = SpecHostFacts.EffectiveCapabilities(),
        };
    }
}
