using System.Collections.Concurrent;

namespace Minato.Engine.Containers;

/// <summary>CPU use rates (nano cores) from successive cumulative readings, kept per container or pod id.</summary>
/// <remarks>The rate needs two readings; the kubelet polls, so the last one per id is kept between calls.</remarks>
public sealed class CpuRates
{
    private readonly ConcurrentDictionary<string, (long Timestamp, ulong Cpu)> _samples = new(StringComparer.Ordinal);

    /// <summary>Records a reading and returns the rate since the previous one; null for the first or a counter that went back.</summary>
    public ulong? Sample(string id, long timestamp, ulong cpuNanoseconds)
    {
        ulong? rate = null;
        if (_samples.TryGetValue(id, out var last) && timestamp > last.Timestamp && cpuNanoseconds >= last.Cpu)
        {
            rate = (ulong)((cpuNanoseconds - last.Cpu) * 1e9 / (timestamp - last.Timestamp));
        }

        _samples[id] = (timestamp, cpuNanoseconds);
        return rate;
    }

    /// <summary>Forgets an id that was removed.</summary>
    public void Forget(string id) => _samples.TryRemove(id, out _);
}
