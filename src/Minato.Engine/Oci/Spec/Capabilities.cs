using Minato.Engine.Errors;

namespace Minato.Engine.Oci.Spec;

/// <summary>Capability names to add to and drop from a default set; <c>ALL</c> is allowed in both.</summary>
public sealed record CapabilityChanges(IReadOnlyList<string> Add, IReadOnlyList<string> Drop)
{
    public static readonly CapabilityChanges None = new([], []);
}

/// <summary>Linux capability names and the rule every front door applies to its default set: add and drop.</summary>
public static class Capabilities
{
    /// <summary>Every capability Linux defines, indexed by its bit number.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    private static readonly Dictionary<string, int> Bits = All.Select((name, bit) => (name, bit)).ToDictionary(p => p.name, p => p.bit, StringComparer.Ordinal);

    /// <summary>The spec's capability object for <paramref name="set"/>: bounding, effective and permitted the same,
    /// inheritable and ambient empty.</summary>
    /// <remarks>Inheritable and ambient stay empty so no capability survives an execve of a non-root or a
    /// file-capability binary beyond what the kernel computes from the bounding set (CVE-2022-24769).</remarks>
    public static SpecCapabilities Sets(IReadOnlyList<string> set) => new(set, set, [], set, []);

    /// <summary>The set after <paramref name="changes"/>: <c>ALL</c> in add starts from every capability in
    /// <paramref name="host"/> (all of them when null), in drop from none; then named adds, then named drops.</summary>
    /// <remarks><c>ALL</c> means what the daemon holds, as for a privileged container: a root without, say,
    /// CAP_SYS_RESOURCE cannot grant it, and the runtime would fail the whole create ("unable to apply caps").</remarks>
    public static IReadOnlyList<string> Apply(IEnumerable<string> defaults, CapabilityChanges changes, IEnumerable<string>? host = null)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var add = changes.Add.Select(c => Normalize("capabilities.add", c)).ToList();
        var drop = changes.Drop.Select(c => Normalize("capabilities.drop", c)).ToList();
        var set = new HashSet<string>(defaults.Select(c => Normalize("default capabilities", c)), StringComparer.Ordinal);
        if (add.Contains("ALL"))
        {
            set.UnionWith(host?.Select(c => Normalize("host capabilities", c)) ?? All);
        }

        if (drop.Contains("ALL"))
        {
            set.Clear();
        }

        set.UnionWith(add.Where(c => c != "ALL"));
        set.ExceptWith(drop);
        return [.. set.OrderBy(c => Bits[c])];
    }

    /// <summary><c>net_admin</c>, <c>NET_ADMIN</c> and <c>CAP_NET_ADMIN</c> all become <c>CAP_NET_ADMIN</c>; unknown names fail.</summary>
    public static string Normalize(string field, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var upper = name.Trim().ToUpperInvariant();
        if (upper == "ALL")
        {
            return upper;
        }

        var full = upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
        return Bits.ContainsKey(full) ? full : throw new InvalidInputException($"{field}: unknown capability \"{SpecValues.Printable(name)}\"");
    }
}
