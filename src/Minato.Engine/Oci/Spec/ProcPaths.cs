namespace Minato.Engine.Oci.Spec;

/// <summary>The kernel paths a container does not see (masked) or cannot change (read-only), when the request names none.</summary>
/// <remarks>They expose host-wide state that namespaces do not cover: kernel memory and keys, timer and scheduler
/// internals that leak other tenants' activity, firmware, power capping (energy counters are a side channel), and the
/// writable sysctl and IRQ knobs under /proc.</remarks>
public static class ProcPaths
{
    public static readonly IReadOnlyList<string> DefaultMasked =
    [
        "/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/sched_debug", "/proc/scsi", "/proc/timer_list", "/proc/timer_stats",
        "/sys/devices/virtual/powercap", "/sys/firmware",
    ];

    public static readonly IReadOnlyList<string> DefaultReadonly =
    [
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
    ];

    /// <summary>The requested paths (checked and cleaned), the defaults when none, and nothing for a privileged container.</summary>
    public static IReadOnlyList<string>? Resolve(string field, IReadOnlyList<string> requested, IReadOnlyList<string> defaults, bool privileged) =>
        privileged ? null
            : requested.Count == 0 ? defaults
            : requested.Select(p => SpecValues.AbsolutePath(field, p)).ToList();
}
