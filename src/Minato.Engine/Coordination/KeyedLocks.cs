using System.Collections.Concurrent;

namespace Minato.Engine.Coordination;

/// <summary>One asynchronous lock per key (a container or pod id): operations on one object run one at a time,
/// operations on different objects in parallel.</summary>
public sealed class KeyedLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>Waits for the lock of <paramref name="key"/>; dispose the result to release it.</summary>
    public async Task<Held> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Held(gate);
    }

    /// <summary>Drops the lock of a key whose object is gone, so the table does not grow with every id ever used.</summary>
    /// <remarks>A caller still waiting holds the old semaphore and proceeds; it then finds the object gone.</remarks>
    public void Forget(string key) => _locks.TryRemove(key, out _);

    /// <summary>A held lock; disposing releases it once.</summary>
    public sealed class Held(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
