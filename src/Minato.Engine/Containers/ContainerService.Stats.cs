using System.Collections.Concurrent;
using Minato.Engine.Linux;
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
    /// <summary>How long a walk of a writable layer is reused.</summary>
    private static readonly TimeSpan LayerUseMaxAge = TimeSpan.FromSeconds(5);

    /// <summary>Entries one walk reads at most; beyond it the figures are a lower bound.</summary>
    private const int LayerUseMaxEntries = 1_000_000;

    private readonly CpuRates _cpuRates = new();
    private readonly ConcurrentDictionary<string, LayerUseCache> _layerUse = new(StringComparer.Ordinal);

    /// <summary>Current use of <paramref name="record"/> (as listed).</summary>
    public ContainerUsage Usage(ContainerRecord record)
    {
        var now = time.UnixNanoseconds();
        var usage = record.Phase == ContainerPhase.Running && record.Pid > 0 ? CgroupUsageReader.ForProcess(record.Pid) : null;
        var nanoCores = usage?.CpuNanoseconds is { } cpu ? _cpuRates.Sample(record.Id, now, cpu) : null;
        var (bytes, inodes) = LayerUse(record);
        return new ContainerUsage(record, now, usage, nanoCores, bytes, inodes);
    }

    /// <summary>The full cgroup and network figures of <paramref name="record"/>; null unless it runs (a stopped container
    /// has no cgroup to read).</summary>
    public ContainerStatistics? Statistics(ContainerRecord record) =>
        record.Phase == ContainerPhase.Running ? ContainerStatistics.ForProcess(record.Pid, time.GetUtcNow()) : null;

    /// <summary>Forgets the cached layer use of a removed container.</summary>
    private void ForgetUsage(string id)
    {
        _cpuRates.Forget(id);
        _layerUse.TryRemove(id, out _);
    }

    /// <summary>The writable layer's disk use, walked at most once per <see cref="LayerUseMaxAge"/> per container:
    /// the kubelet asks for stats every few seconds and a layer may hold many files. While one caller walks,
    /// others get the previous result (or wait for the first one).</summary>
    private (ulong Bytes, ulong Inodes) LayerUse(ContainerRecord record)
    {
        var cache = _layerUse.GetOrAdd(record.Id, _ => new LayerUseCache());
        if (cache.Last is { } fresh && time.GetElapsedTime(fresh.Measured) < LayerUseMaxAge)
        {
            return (fresh.Usage.Bytes, fresh.Usage.Inodes);
        }

        if (!cache.Walk.TryEnter())
        {
            if (cache.Last is { } previous)
            {
                return (previous.Usage.Bytes, previous.Usage.Inodes);
            }

            cache.Walk.Enter();
        }

        try
        {
            // Another caller may have walked while this one waited.
            if (cache.Last is not { } last || time.GetElapsedTime(last.Measured) >= LayerUseMaxAge)
            {
                last = new LayerUseSample(DiskUsage.Measure(Path.Combine(record.LayerDirectory, "upper"), LayerUseMaxEntries), time.GetTimestamp());
                cache.Last = last;
            }

            return (last.Usage.Bytes, last.Usage.Inodes);
        }
        finally
        {
            cache.Walk.Exit();
        }
    }

    /// <summary>One container's last walk of its writable layer; <see cref="Walk"/> keeps walks to one at a time.</summary>
    private sealed class LayerUseCache
    {
        private LayerUseSample? _last;

        public Lock Walk { get; } = new();

        public LayerUseSample? Last
        {
            get => Volatile.Read(ref _last);
            set => Volatile.Write(ref _last, value);
        }
    }

    private sealed record LayerUseSample(DiskUsage Usage, long Measured);
}
