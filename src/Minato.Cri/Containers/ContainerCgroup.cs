using System.Text.RegularExpressions;
using Minato.Cri.Pods;
using Minato.Engine.Errors;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>The container's cgroup: where it lives (<c>cgroupsPath</c>) and its limits.</summary>
public static partial class ContainerCgroup
{
    /// <summary>cgroupfs: <c>&lt;parent&gt;/minato-&lt;id&gt;</c>; systemd: <c>&lt;parent slice&gt;:minato:&lt;id&gt;</c>, the form runc and crun turn into a transient scope.</summary>
    public static string Path(string containerId, PodSandbox sandbox, ContainerSpecOptions options)
    {
        var parent = sandbox.Config.CgroupParent.Length > 0 ? sandbox.Config.CgroupParent : options.DefaultCgroupParent;
        if (options.CgroupDriver == CgroupDriver.Systemd)
        {
            parent ??= "minato.slice";
            return SliceName().IsMatch(parent)
                ? $"{parent}:minato:{containerId}"
                : throw new InvalidInputException($"cgroup_parent \"{SpecValues.Printable(parent)}\" is not a systemd slice name (the systemd cgroup driver is configured)");
        }

        parent ??= "/minato";
        if (!parent.StartsWith('/') || parent.Split('/').Any(p => p is "." or ".."))
        {
            throw new InvalidInputException($"cgroup_parent \"{SpecValues.Printable(parent)}\" must be an absolute cgroup path without '.' or '..' (the cgroupfs driver is configured)");
        }

        return SpecValues.AbsolutePath("cgroup_parent", parent).TrimEnd('/') + "/minato-" + containerId;
    }

    /// <summary>The spec's resources; the kubelet's zero values mean "not set".</summary>
    public static LinuxResources Resources(ContainerResources r, IReadOnlyList<LinuxDeviceCgroup> devices, ContainerSpecOptions options)
    {
        var cpu = new LinuxCpu
        {
            Shares = r.CpuShares > 0 ? (ulong)r.CpuShares : null,
            Quota = r.CpuQuota != 0 ? r.CpuQuota : null,
            Period = r.CpuPeriod > 0 ? (ulong)r.CpuPeriod : null,
            Cpus = CpuList("cpuset_cpus", r.CpusetCpus),
            Mems = CpuList("cpuset_mems", r.CpusetMems),
        };
        return new LinuxResources
        {
            Devices = devices,
            Memory = Memory(r, options),
            Cpu = cpu == new LinuxCpu() ? null : cpu,
            Pids = options.PidsLimit > 0 ? new LinuxPids(options.PidsLimit) : null,
            HugepageLimits = r.HugepageLimits.Count == 0 ? null : r.HugepageLimits.Select(Hugepage).ToList(),
            Unified = Unified(r.Unified, options),
        };
    }

    /// <summary>Memory and swap. With a limit and no swap request the swap limit equals the memory limit, so the
    /// container does not swap (the kubelet's NoSwap behaviour); -1 allows unlimited swap. Without swap accounting
    /// no swap value is written, as the runtime would fail on the missing cgroup file.</summary>
    private static LinuxMemory? Memory(ContainerResources r, ContainerSpecOptions options)
    {
        if (r.MemoryLimitInBytes < 0 || r.MemorySwapLimitInBytes < -1)
        {
            throw new InvalidInputException("memory_limit_in_bytes and memory_swap_limit_in_bytes must not be negative (swap may be -1)");
        }

        if (r.MemoryLimitInBytes > 0 && r.MemorySwapLimitInBytes > 0 && r.MemorySwapLimitInBytes < r.MemoryLimitInBytes)
        {
            throw new InvalidInputException($"memory_swap_limit_in_bytes {r.MemorySwapLimitInBytes} is below memory_limit_in_bytes {r.MemoryLimitInBytes} (it counts memory plus swap)");
        }

        long? limit = r.MemoryLimitInBytes > 0 ? r.MemoryLimitInBytes : null;
        long? swap = r.MemorySwapLimitInBytes != 0 ? r.MemorySwapLimitInBytes : limit;
        if (!options.SwapAccounting)
        {
            swap = null;
        }

        return limit is null && swap is null ? null : new LinuxMemory { Limit = limit, Swap = swap };
    }

    private static string? CpuList(string field, string value) =>
        value.Length == 0 ? null
            : CpuListFormat().IsMatch(value) ? value
            : throw new InvalidInputException($"{field} \"{SpecValues.Printable(value)}\" is not a list such as 0-3,7");

    private static LinuxHugepageLimit Hugepage(HugepageLimit limit) =>
        PageSize().IsMatch(limit.PageSize)
            ? new LinuxHugepageLimit(limit.PageSize, limit.Limit)
            : throw new InvalidInputException($"hugepage_limits: page size \"{SpecValues.Printable(limit.PageSize)}\" is not of the form 2MB or 1GB");

    /// <summary>cgroup v2 files: names are checked so a key cannot point outside the container's cgroup directory.</summary>
    private static Dictionary<string, string>? Unified(IReadOnlyDictionary<string, string> unified, ContainerSpecOptions options)
    {
        if (unified.Count == 0)
        {
            return null;
        }

        if (!options.CgroupV2)
        {
            throw new InvalidInputException("unified cgroup settings need cgroup v2; this node runs cgroup v1");
        }

        foreach (var (key, value) in unified)
        {
            if (!UnifiedKey().IsMatch(key))
            {
                throw new InvalidInputException($"unified: \"{SpecValues.Printable(key)}\" is not a cgroup v2 file name such as memory.high");
            }

            SpecValues.SingleLine($"unified[{key}]", value);
        }

        return unified.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.\-\\@]+\.slice\z")]
    private static partial Regex SliceName();

    [GeneratedRegex(@"^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*\z")]
    private static partial Regex CpuListFormat();

    [GeneratedRegex(@"^[0-9]+[KMGT]B\z")]
    private static partial Regex PageSize();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*\.[A-Za-z0-9_.]+\z")]
    private static partial Regex UnifiedKey();
}
