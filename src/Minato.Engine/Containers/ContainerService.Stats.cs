using Minato.Engine.Linux.Cgroups;

namespace Minato.Engine.Containers;

/// <summary>One container's resource use at one moment.</summary>
/// <param name="Container">The container, as listed.</param>
/// <param name="Timestamp">Unix nanoseconds when it was read.</param>
/// <param name="Usage">cgroup CPU and memory; null when the container does not run.</param>
/// <param name="NanoCores">CPU use rate since the previous reading (null on the first one).</param>
/// <param name="LayerBytes">Bytes in the writable layer.</param>
/// <param name="LayerInodes">Inodes in the writable layer.</param>
public sealed record ContainerUsage(ContainerRecord Container, long Timestamp, CgroupUsage? Usage, ulong? NanoCores, ulong LayerBytes, ulong LayerInodes);

/// <summary>Resource use: read from cgroupfs and the writable layer, no process spawned.</summary>
public sealed partial class ContainerService
{
    private readonly CpuRates _cpuRates = new();

    /// <summary>Current use of <paramref name="record"/> (as listed).</summary>
    public ContainerUsage Usage(ContainerRecord record)
    {
        var now = time.UnixNanoseconds();
        var usage = record.Phase == ContainerPhase.Running && record.Pid > 0 ? CgroupUsageReader.ForProcess(record.Pid) : null;
        var nanoCores = usage?.CpuNanoseconds is { } cpu ? _cpuRates.Sample(record.Id, now, cpu) : null;
        var (bytes, inodes) = LayerUse(Path.Combine(record.LayerDirectory, "upper"));
        return new ContainerUsage(record, now, usage, nanoCores, bytes, inodes);
    }

    private static (ulong Bytes, ulong Inodes) LayerUse(string upper)
    {
        if (!Directory.Exists(upper))
        {
            return (0, 0);
        }

        ulong bytes = 0;
        ulong inodes = 0;
        var walk = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (var entry in new DirectoryInfo(upper).EnumerateFileSystemInfos("*", walk))
        {
            inodes++;
            if (entry is FileInfo file && file.LinkTarget is null)
            {
                bytes += (ulong)file.Length;
            }
        }

        return (bytes, inodes);
    }
}
