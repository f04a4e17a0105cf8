using System.Globalization;
using System.Text.RegularExpressions;
using Minato.Engine.Errors;

namespace Minato.Engine.Linux.Cgroups;

/// <summary>Writes <see cref="CgroupLimits"/> into one existing cgroup: the v2 files on a unified host, the v1 controller
/// hierarchies otherwise; all of it or, when the kernel refuses a value, none of it.</summary>
/// <remarks>
/// The cgroup must already exist (its owner made it); nothing is created, removed or mounted. Every value is checked
/// before the first write, and the files written so far are restored when the kernel refuses one, so a failed call
/// leaves the cgroup as it was. Writing the same limits again writes the same values: the call is idempotent.
/// </remarks>
public sealed partial class CgroupLimitWriter(ICgroupFiles files, CgroupMode mode)
{
    private const int EBusy = 16;
    private const int EInval = 22;
    private const int ENoSpc = 28;
    private const int MaxUnifiedEntries = 64;
    private const int MaxValueLength = 4096;

    /// <summary>Applies <paramref name="limits"/> to the cgroup at <paramref name="cgroupPath"/> (as in <c>/proc/PID/cgroup</c>).</summary>
    /// <exception cref="InvalidInputException">A value is out of range, or the kernel refused it as invalid (EINVAL).</exception>
    /// <exception cref="PreconditionException">The cgroup or a controller file is missing, or the kernel refused the
    /// value in the cgroup's current state (EBUSY: a memory limit below what its tasks use).</exception>
    public void Apply(string cgroupPath, CgroupLimits limits)
    {
        var writes = Plan(NormalisePath(cgroupPath), limits);
        var done = new List<(string Path, string Previous)>();
        try
        {
            foreach (var (path, value) in writes)
            {
                var previous = files.Read(path) ?? throw new PreconditionException($"cgroup file {path} does not exist: the controller is not enabled for this cgroup");
                files.Write(path, value);
                done.Add((path, previous.Trim()));
            }
        }
        catch (IOException e)
        {
            Restore(done);
            var (path, value) = writes[done.Count];
            throw Refused(path, value, e);
        }
        catch (PreconditionException)
        {
            Restore(done);
            throw;
        }
    }

    /// <summary>The files to write, in order, for this host's mode; every value checked first.</summary>
    private List<(string Path, string Value)> Plan(string cgroup, CgroupLimits limits)
    {
        Validate(limits);
        return mode switch
        {
            CgroupMode.Unified => PlanV2(cgroup, limits),
            CgroupMode.Hybrid or CgroupMode.Legacy => PlanV1(cgroup, limits),
            _ => throw new PreconditionException("no cgroup filesystem is mounted: cgroup limits cannot be applied"),
        };
    }

    private List<(string, string)> PlanV2(string cgroup, CgroupLimits limits)
    {
        RequireDirectory(cgroup);
        var writes = new List<(string, string)>();

        // Memory first: the one value the kernel may refuse for the cgroup's state, before anything else changed.
        if (limits.MemoryLimit is { } memory)
        {
            var current = ParseNumber(files.Read(Join(cgroup, "memory.current")));

            // v2 does not refuse a limit below usage: it reclaims, then OOM-kills. v1 refuses it with EBUSY, and so does
            // Minato on v2, so that a resize never kills the pod it was meant to shrink.
            if (memory >= 0 && current is { } used && (ulong)memory < used)
            {
                throw new PreconditionException($"memory limit {memory} is below the cgroup's current usage {used}: EBUSY (device or resource busy)");
            }

            writes.Add((Join(cgroup, "memory.max"), memory < 0 ? "max" : Text(memory)));
        }

        if (limits.CpuShares is { } shares)
        {
            writes.Add((Join(cgroup, "cpu.weight"), Text(SharesToWeight(shares))));
        }

        if (limits.CpuQuota is not null || limits.CpuPeriod is not null)
        {
            var period = limits.CpuPeriod ?? ReadPeriodV2(cgroup);
            var quota = limits.CpuQuota is { } q and > 0 ? Text(q) : "max";
            writes.Add((Join(cgroup, "cpu.max"), $"{quota} {Text(period)}"));
        }

        AddCpusets(writes, cgroup, cgroup, limits);
        foreach (var (size, bytes) in limits.Hugepages ?? new Dictionary<string, ulong>())
        {
            writes.Add((Join(cgroup, $"hugetlb.{size}.max"), Text(bytes)));
        }

        foreach (var (key, value) in limits.Unified ?? new Dictionary<string, string>())
        {
            writes.Add((Join(cgroup, key), value));
        }

        return writes;
    }

    private List<(string, string)> PlanV1(string cgroup, CgroupLimits limits)
    {
        if (limits.Unified is { Count: > 0 })
        {
            throw new InvalidInputException("unified cgroup entries need cgroup v2; this host mounts cgroup v1 controllers");
        }

        var writes = new List<(string, string)>();
        if (limits.MemoryLimit is { } memory)
        {
            // The kernel itself refuses a limit below usage here, with EBUSY, after trying to reclaim.
            writes.Add((Join(Controller("memory", cgroup), "memory.limit_in_bytes"), Text(memory)));
        }

        if (limits.CpuShares is { } shares)
        {
            writes.Add((Join(Controller("cpu", cgroup), "cpu.shares"), Text(shares)));
        }

        // Period before quota, as runc writes them: the quota is judged against the period in force.
        if (limits.CpuPeriod is { } period)
        {
            writes.Add((Join(Controller("cpu", cgroup), "cpu.cfs_period_us"), Text(period)));
        }

        if (limits.CpuQuota is { } quota)
        {
            writes.Add((Join(Controller("cpu", cgroup), "cpu.cfs_quota_us"), Text(quota > 0 ? quota : -1)));
        }

        if (limits.CpusetCpus is { Length: > 0 } || limits.CpusetMems is { Length: > 0 })
        {
            AddCpusets(writes, Controller("cpuset", cgroup), null, limits);
        }

        foreach (var (size, bytes) in limits.Hugepages ?? new Dictionary<string, ulong>())
        {
            writes.Add((Join(Controller("hugetlb", cgroup), $"hugetlb.{size}.limit_in_bytes"), Text(bytes)));
        }

        return writes;
    }

    private void AddCpusets(List<(string, string)> writes, string directory, string? checkedDirectory, CgroupLimits limits)
    {
        if (checkedDirectory is null && (limits.CpusetCpus is { Length: > 0 } || limits.CpusetMems is { Length: > 0 }))
        {
            RequireDirectory(directory);
        }

        if (limits.CpusetCpus is { Length: > 0 } cpus)
        {
            writes.Add((Join(directory, "cpuset.cpus"), cpus));
        }

        if (limits.CpusetMems is { Length: > 0 } mems)
        {
            writes.Add((Join(directory, "cpuset.mems"), mems));
        }
    }

    /// <summary>A v1 controller's directory for the cgroup; the cgroup must exist in that hierarchy.</summary>
    private string Controller(string controller, string cgroup)
    {
        var directory = Join(controller, cgroup);
        RequireDirectory(directory);
        return directory;
    }

    private void RequireDirectory(string directory)
    {
        if (!files.DirectoryExists(directory))
        {
            throw new PreconditionException($"cgroup {directory} does not exist");
        }
    }

    private ulong ReadPeriodV2(string cgroup) =>
        files.Read(Join(cgroup, "cpu.max"))?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var period] &&
        ulong.TryParse(period, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 100_000;

    private void Restore(List<(string Path, string Previous)> done)
    {
        // Newest first, so a period and its quota go back in the order that was valid before.
        for (var i = done.Count - 1; i >= 0; i--)
        {
            try
            {
                files.Write(done[i].Path, done[i].Previous);
            }
            catch (IOException)
            {
                // Best effort: the original failure is what the caller needs to see.
            }
        }
    }

    private static Exception Refused(string path, string value, IOException e) => e.HResult switch
    {
        EBusy => new PreconditionException($"the kernel refused {value} for {path}: EBUSY (device or resource busy; a memory limit below current usage?)", e),
        EInval => new InvalidInputException($"the kernel refused {value} for {path}: EINVAL (invalid argument)", e),
        ENoSpc => new InvalidInputException($"the kernel refused {value} for {path}: ENOSPC (no such CPU or memory node available to this cgroup)", e),
        _ => new PreconditionException($"writing {value} to {path} failed: {e.Message}", e),
    };

    /// <summary>runc's mapping of v1 shares [2, 262144] onto v2 weight [1, 10000].</summary>
    public static ulong SharesToWeight(ulong shares) => shares == 0 ? 0 : 1 + ((shares - 2) * 9999 / 262142);

    private static void Validate(CgroupLimits limits)
    {
        if (limits.CpuShares is { } shares && shares is < 2 or > 262_144)
        {
            throw new InvalidInputException($"cpu shares {shares} is out of range: must be 2 to 262144");
        }

        if (limits.CpuPeriod is { } period && period is < 1_000 or > 1_000_000)
        {
            throw new InvalidInputException($"cpu period {period} is out of range: must be 1000 to 1000000 microseconds");
        }

        if (limits.CpuQuota is { } quota && quota is not -1 && quota < 1_000)
        {
            throw new InvalidInputException($"cpu quota {quota} is out of range: must be -1 (no limit) or at least 1000 microseconds");
        }

        if (limits.MemoryLimit is { } memory && memory is not -1 && memory < 4096)
        {
            throw new InvalidInputException($"memory limit {memory} is out of range: must be -1 (no limit) or at least 4096 bytes");
        }

        CheckCpuList("cpuset cpus", limits.CpusetCpus);
        CheckCpuList("cpuset mems", limits.CpusetMems);
        foreach (var size in (limits.Hugepages ?? new Dictionary<string, ulong>()).Keys)
        {
            if (!PageSizePattern().IsMatch(size))
            {
                throw new InvalidInputException($"hugepage size {size} is not a page size such as 2MB or 1GB");
            }
        }

        var unified = limits.Unified ?? new Dictionary<string, string>();
        if (unified.Count > MaxUnifiedEntries)
        {
            throw new InvalidInputException($"unified has {unified.Count} entries: at most {MaxUnifiedEntries} are accepted");
        }

        foreach (var (key, value) in unified)
        {
            // A file name of the cgroup itself, never a path: no '/', no "..", no cgroup core files that move tasks.
            if (!UnifiedKeyPattern().IsMatch(key) || key.Contains("..", StringComparison.Ordinal) || key.StartsWith("cgroup.", StringComparison.Ordinal))
            {
                throw new InvalidInputException($"unified key {key} is not a cgroup v2 controller file name (controller.file, letters, digits and '_')");
            }

            if (value.Length > MaxValueLength || value.Any(char.IsControl))
            {
                throw new InvalidInputException($"unified value for {key} is longer than {MaxValueLength} characters or has control characters");
            }
        }
    }

    private static void CheckCpuList(string field, string? list)
    {
        if (list is { Length: > 0 } && (list.Length > 1024 || !CpuListPattern().IsMatch(list)))
        {
            throw new InvalidInputException($"{field} {list} is not a CPU or node list such as 0-3,6");
        }
    }

    /// <summary>The cgroup path in canonical form; one that climbs out of the hierarchy is refused.</summary>
    private static string NormalisePath(string cgroupPath)
    {
        var parts = cgroupPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Any(p => p is "." or ".."))
        {
            throw new InvalidInputException($"cgroup path {cgroupPath} must name a cgroup below the root, without '.' or '..'");
        }

        return "/" + string.Join('/', parts);
    }

    private static string Join(string directory, string file) => directory.TrimEnd('/') + "/" + file.TrimStart('/');

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static ulong? ParseNumber(string? text) =>
        ulong.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    [GeneratedRegex(@"^[a-z0-9]+\.[a-z0-9_.]+$")]
    private static partial Regex UnifiedKeyPattern();

    [GeneratedRegex(@"^[0-9]+[KMG]B$")]
    private static partial Regex PageSizePattern();

    [GeneratedRegex(@"^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$")]
    private static partial Regex CpuListPattern();
}
