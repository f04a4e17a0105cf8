using System.Runtime.InteropServices;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Oci;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>What the spec builder needs from configuration and from the host; defaults documented per member.</summary>
public sealed record ContainerSpecOptions
{
    /// <summary>Capabilities of a container that asks for no changes (<c>default_capabilities</c>); Docker's set
    /// without MKNOD, NET_RAW, AUDIT_WRITE, SYS_CHROOT and SETFCAP.</summary>
    public IReadOnlyList<string> DefaultCapabilities { get; init; } = ContainerCapabilities.Default;

    /// <summary>Capabilities the daemon holds; a privileged container gets exactly these (the runtime cannot grant more).</summary>
    public IReadOnlyList<string> HostCapabilities { get; init; } = Capabilities.All;

    /// <summary>Directory Localhost seccomp profiles must be in (<c>seccomp_profile_root</c>); null (the default)
    /// accepts any absolute path to a regular file, as containerd and CRI-O do.</summary>
    public string? SeccompProfileRoot { get; init; }

    /// <summary>The profile for a container whose request names none; Unconfined, like containerd and the kubelet's own default.</summary>
    public SecurityProfile SeccompWhenUnset { get; init; } = SecurityProfile.Unconfined;

    public CgroupDriver CgroupDriver { get; init; } = CgroupDriver.Cgroupfs;

    /// <summary>Unified is cgroup v2; Hybrid and Legacy are v1 for container limits.</summary>
    public CgroupMode CgroupMode { get; init; } = CgroupMode.Unified;

    /// <summary>Parent for pods that name no cgroup parent: <c>/minato</c> (cgroupfs) or <c>minato.slice</c> (systemd) when null.</summary>
    public string? DefaultCgroupParent { get; init; }

    /// <summary>Whether the kernel accounts swap (v1 <c>memory.memsw.*</c>); when false no swap limit is written.</summary>
    public bool SwapAccounting { get; init; } = true;

    /// <summary>pids.max for every container (<c>pids_limit</c>); 0 or less sets none.</summary>
    public long PidsLimit { get; init; }

    /// <summary>The daemon's own oom_score_adj when it cannot set a lower one (it lacks CAP_SYS_RESOURCE); null when it can.</summary>
    public int? OomScoreAdjFloor { get; init; }

    /// <summary>Whether the kernel has AppArmor enabled; when false AppArmor requests other than Localhost are ignored.</summary>
    public bool AppArmorEnabled { get; init; }

    /// <summary>The profile loaded for AppArmor RuntimeDefault; null leaves RuntimeDefault containers unconfined.</summary>
    public string? AppArmorDefaultProfile { get; init; }

    /// <summary>CRI annotations passed to the runtime: exact keys, or prefixes ending in <c>*</c>. Default: none.</summary>
    public IReadOnlyList<string> AllowedAnnotations { get; init; } = [];

    /// <summary>Resource limits for every container process (<c>default_ulimits</c>); none by default (inherited).</summary>
    public IReadOnlyList<SpecRlimit> Rlimits { get; init; } = [];

    /// <summary>Architecture the seccomp profile is written for.</summary>
    public Architecture Architecture { get; init; } = RuntimeInformation.ProcessArchitecture;

    /// <summary>Largest image /etc/passwd or /etc/group read.</summary>
    public int MaxUserDatabaseBytes { get; init; } = 1 << 20;

    /// <summary>Runtime handlers that make recursive read-only (<c>rro</c>) mounts on this host; none by default.</summary>
    public IReadOnlySet<string> RecursiveReadOnlyHandlers { get; init; } = new HashSet<string>();

    /// <summary>Runtime handlers that run pods in their own user namespace on this host; none by default.</summary>
    public IReadOnlySet<string> UserNamespaceHandlers { get; init; } = new HashSet<string>();

    /// <summary>True for cgroup v2 limits.</summary>
    public bool CgroupV2 => CgroupMode == CgroupMode.Unified;

    /// <summary>The options with <see cref="RecursiveReadOnlyHandlers"/> and <see cref="UserNamespaceHandlers"/> asked of each handler's binary (<c>features</c>).</summary>
    public ContainerSpecOptions WithRuntimeFeatures(IReadOnlyDictionary<string, OciRuntimeFeatures> features) => this with
    {
        RecursiveReadOnlyHandlers = features.Where(f => f.Value.RecursiveReadOnly).Select(f => f.Key).ToHashSet(StringComparer.Ordinal),
        UserNamespaceHandlers = features.Where(f => f.Value.UserNamespaces).Select(f => f.Key).ToHashSet(StringComparer.Ordinal),
    };

    /// <summary>The options with every host fact read from this machine (capabilities, oom score, AppArmor, cgroups).</summary>
    public ContainerSpecOptions WithHostFacts()
    {
        var mode = CgroupModeDetector.DetectSelf();
        var host = SpecHostFacts.EffectiveCapabilities();
        return this with
        {
            HostCapabilities = host,
            OomScoreAdjFloor = host.Contains("CAP_SYS_RESOURCE") ? null : SpecHostFacts.OomScoreAdj(),
            AppArmorEnabled = SpecHostFacts.AppArmorEnabled(),
            CgroupMode = mode,
            SwapAccounting = mode == CgroupMode.Unified || File.Exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"),
        };
    }
}
