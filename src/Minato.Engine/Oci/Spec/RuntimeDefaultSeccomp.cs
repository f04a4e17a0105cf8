using System.Runtime.InteropServices;

namespace Minato.Engine.Oci.Spec;

/// <summary>Minato's <c>RuntimeDefault</c> seccomp profile: an allow-list with EPERM for everything else.</summary>
/// <remarks>
/// Written for Minato after reading what the runtime-spec can express and what Docker's, containerd's and CRI-O's
/// defaults guard against; the lists below are our own grouping, not a copy of theirs. The reasoning:
/// <list type="bullet">
/// <item>Ordinary process, file, memory, time, signal, socket and IPC calls are allowed: the kernel's own permission
/// checks and the namespaces already confine them.</item>
/// <item>Calls that act on host-global state the namespaces do not isolate (kernel keyrings, modules, kexec, swap, the
/// clock, process accounting, raw I/O ports, the kernel log) are allowed only when the container holds the capability the
/// kernel would check anyway, so a dropped capability also removes the attack surface behind the call.</item>
/// <item>New namespaces and mounts (<c>clone</c> with a <c>CLONE_NEW*</c> flag, <c>clone3</c>, <c>unshare</c>,
/// <c>setns</c>, the mount API) need CAP_SYS_ADMIN: user namespaces in particular expose kernel code unprivileged
/// users cannot otherwise reach. <c>clone3</c> passes its flags in memory seccomp cannot read, so without
/// CAP_SYS_ADMIN it fails with ENOSYS and libc falls back to <c>clone</c>, whose flags are checked.</item>
/// <item>Never allowed: keyrings (not namespaced), <c>userfaultfd</c> (a classic exploit aid), io_uring (a large, often
/// patched surface that bypasses syscall filtering of the operations it performs), and obsolete calls.</item>
/// </list>
/// </remarks>
public static class RuntimeDefaultSeccomp
{
    /// <summary>EPERM, returned for every syscall no rule allows.</summary>
    public const uint DefaultErrno = 1;

    private const uint ENoSys = 38;

    /// <summary>CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET.</summary>
    private const ulong CloneNamespaceFlags = 0x7E020000;

    /// <summary>The rules in order; see the type's remarks for why each group is where it is.</summary>
    public static IReadOnlyList<SeccompRule> Rules { get; } = BuildRules();

    /// <summary>The profile for a container whose bounding set is <paramref name="bounding"/>.</summary>
    public static LinuxSeccomp For(IEnumerable<string> bounding, Architecture architecture)
    {
        var caps = bounding.ToHashSet(StringComparer.Ordinal);
        return new LinuxSeccomp
        {
            DefaultAction = SeccompRule.Errno,
            DefaultErrnoRet = DefaultErrno,
            Architectures = Architectures(architecture),
            Syscalls = Rules.Where(r => r.AppliesTo(caps)).Select(r => r.ToSyscall()).ToList(),
        };
    }

    /// <summary>The native architecture and the compat ones its kernel also runs, so 32-bit binaries are filtered too.</summary>
    public static IReadOnlyList<string> Architectures(Architecture architecture) => architecture switch
    {
        Architecture.X64 => ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        Architecture.Arm64 => ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
        _ => throw new PlatformNotSupportedException($"no default seccomp profile for {architecture}"),
    };

    private static List<SeccompRule> BuildRules() =>
    [
        new(DefaultSyscalls.Files),
        new(DefaultSyscalls.Memory),
        new(DefaultSyscalls.Processes),
        new(DefaultSyscalls.Signals),
        new(DefaultSyscalls.Time),
        new(DefaultSyscalls.Events),
        new(DefaultSyscalls.Network),
        new(DefaultSyscalls.Ipc),
        new(DefaultSyscalls.Debugging),

        // personality(2): the Linux personas (and the query) only; other personas disable ASLR or change the ABI.
        new(["personality"], Args: [new(0, 0x0, "SCMP_CMP_EQ")]),
        new(["personality"], Args: [new(0, 0x8, "SCMP_CMP_EQ")]),
        new(["personality"], Args: [new(0, 0x20000, "SCMP_CMP_EQ")]),
        new(["personality"], Args: [new(0, 0x20008, "SCMP_CMP_EQ")]),
        new(["personality"], Args: [new(0, 0xFFFFFFFF, "SCMP_CMP_EQ")]),

        // clone(2) without namespace flags for everyone; with them, and clone3, only with CAP_SYS_ADMIN.
        new(["clone"], Args: [new(0, CloneNamespaceFlags, "SCMP_CMP_MASKED_EQ", 0)], UnlessCapability: "CAP_SYS_ADMIN"),
        new(["clone3"], SeccompRule.Errno, ENoSys, UnlessCapability: "CAP_SYS_ADMIN"),
        new(DefaultSyscalls.SysAdmin, AnyCapability: ["CAP_SYS_ADMIN"]),
        new(["bpf"], AnyCapability: ["CAP_SYS_ADMIN", "CAP_BPF"]),
        new(["perf_event_open"], AnyCapability: ["CAP_SYS_ADMIN", "CAP_PERFMON"]),
        new(["open_by_handle_at", "name_to_handle_at"], AnyCapability: ["CAP_DAC_READ_SEARCH"]),
        new(["reboot", "kexec_load", "kexec_file_load"], AnyCapability: ["CAP_SYS_BOOT"]),
        new(["init_module", "finit_module", "delete_module"], AnyCapability: ["CAP_SYS_MODULE"]),
        new(["acct"], AnyCapability: ["CAP_SYS_PACCT"]),
        new(["iopl", "ioperm"], AnyCapability: ["CAP_SYS_RAWIO"]),
        new(["settimeofday", "stime", "clock_settime", "clock_settime64", "clock_adjtime", "clock_adjtime64"], AnyCapability: ["CAP_SYS_TIME"]),
        new(["syslog"], AnyCapability: ["CAP_SYSLOG"]),
        new(["vhangup"], AnyCapability: ["CAP_SYS_TTY_CONFIG"]),
        new(["mbind", "set_mempolicy", "set_mempolicy_home_node", "get_mempolicy", "migrate_pages", "move_pages"], AnyCapability: ["CAP_SYS_NICE"]),
    ];
}
