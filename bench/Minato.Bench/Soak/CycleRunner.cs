using System.Diagnostics;

namespace Minato.Bench.Soak;

/// <summary>Runs cycles of every kind with a few in flight at once and keeps each kind's latencies and failures.</summary>
internal sealed class CycleRunner(StreamingCycles cycles, int concurrency)
{
    /// <summary>No single cycle may hang the soak: one that takes this long counts as failed.</summary>
    private static readonly TimeSpan CycleTimeout = TimeSpan.FromSeconds(60);

    private readonly Lock _lock = new();
    private int _completed;

    /// <summary>Cycles finished so far (of every kind, measured or not), for the periodic samples.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Runs <paramref name="count"/> cycles of each kind, interleaved (exec, attach, port-forward, exec, ...).</summary>
    public async Task<IReadOnlyDictionary<string, KindResult>> RunAsync(int count, Action<string>? status, CancellationToken cancellationToken)
    {
        var results = StreamingCycles.Kinds.ToDictionary(k => k, _ => new KindResult());
        var total = count * StreamingCycles.Kinds.Count;
        var next = -1;
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, concurrency), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (_, ct) =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < total)
                {
                    var kind = StreamingCycles.Kinds[index % StreamingCycles.Kinds.Count];
                    await RunOneAsync(kind, results[kind], ct);
                    Interlocked.Increment(ref _completed);
                    var finished = Interlocked.Increment(ref done);
                    status?.Invoke($"{finished / StreamingCycles.Kinds.Count}/{count} cycles of each kind");
                }
            });
        return results;
    }

    private async Task RunOneAsync(string kind, KindResult result, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CycleTimeout);
        var start = Stopwatch.GetTimestamp();
        try
        {
            await cycles.RunAsync(kind, timeout.Token);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            lock (_lock)
            {
                result.Milliseconds.Add(elapsed);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed cycle is a finding, not a reason to stop: the report counts them and keeps the first few messages.
            lock (_lock)
            {
                result.Failed++;
                if (result.Errors.Count < 5)
                {
                    result.Errors.Add($"{e.GetType().Name}: {e.Message}");
                }
            }
        }
    }
}

/// <summary>One kind's measured cycles: the latency of each that succeeded, how many failed and why.</summary>
internal sealed class KindResult
{
    public List<double> Milliseconds { get; } = [];

    public int Failed { get; set; }

    public List<string> Errors { get; } = [];
}
