using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Report;

namespace Minato.Bench.Cri.Workloads;

/// <summary>Runs one trial per runtime in lock step: every iteration runs each runtime once, in a fresh random order, so
/// machine noise (another process, a GC, the page cache) falls on both alike instead of on whichever ran second.</summary>
internal static class Interleaved
{
    public static async Task RunAsync(WorkloadContext context, IReadOnlyList<RowSpec> rows, int warmup, int count,
        Func<BenchRuntime, Trial> create, CancellationToken cancellationToken)
    {
        var states = context.Runtimes.Select(r => new State(r, create(r))).ToList();
        var workload = rows[0].Workload;
        try
        {
            foreach (var state in Shuffled(context.Random, states))
            {
                context.Progress.Status($"{workload}: setting up {state.Runtime.Name}");
                await Guard(state, "setup", () => state.Trial.SetupAsync(cancellationToken), cancellationToken);
            }

            for (var i = -warmup; i < count; i++)
            {
                foreach (var state in Shuffled(context.Random, states.Where(s => s.Problem is null)))
                {
                    var iteration = i;
                    await Guard(state, iteration < 0 ? "warm-up" : $"iteration {iteration + 1}", async () =>
                    {
                        var timings = await state.Trial.RunOnceAsync(iteration, cancellationToken);
                        if (iteration >= 0)
                        {
                            state.Add(timings);
                        }
                    }, cancellationToken);
                }

                context.Progress.Status(i < 0 ? $"{workload}: warm-up {i + warmup + 1}/{warmup}" : $"{workload}: {i + 1}/{count}");
            }
        }
        finally
        {
            foreach (var state in states)
            {
                try
                {
                    using var teardown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    teardown.CancelAfter(TimeSpan.FromMinutes(3));
                    await state.Trial.TeardownAsync(teardown.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A runtime that could not run the workload usually cannot undo it either; that is no news.
                    if (state.Problem is not { Unsupported: true })
                    {
                        context.Results.Note($"{state.Runtime.Name}: cleanup after {workload} failed: {Failure.Describe(e, "cleanup").Reason}");
                    }
                }
            }
        }

        foreach (var row in rows)
        {
            context.Results.Add(new Row(row.Workload, row.Name, row.Kind, row.Unit,
                states.ToDictionary(s => s.Runtime.Name, s => s.CellFor(row))));
        }
    }

    public static IEnumerable<T> Shuffled<T>(Random random, IEnumerable<T> items)
    {
        var array = items.ToArray();
        random.Shuffle(array);
        return array;
    }

    private static async Task Guard(State state, string step, Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            state.Problem = Failure.Describe(e, step);
        }
    }

    /// <summary>One runtime's trial, its samples by row, and the first problem that stopped it.</summary>
    private sealed class State(BenchRuntime runtime, Trial trial)
    {
        private readonly Dictionary<RowSpec, List<double>> _samples = [];

        public BenchRuntime Runtime { get; } = runtime;

        public Trial Trial { get; } = trial;

        public (bool Unsupported, string Reason)? Problem { get; set; }

        public void Add(IEnumerable<Timing> timings)
        {
            foreach (var timing in timings)
            {
                if (!_samples.TryGetValue(timing.Row, out var list))
                {
                    _samples[timing.Row] = list = [];
                }

                list.Add(timing.Value);
            }
        }

        public Cell CellFor(RowSpec row) => Problem switch
        {
            { Unsupported: true } p => Cell.Unsupported(p.Reason),
            { } p => Cell.Failed(p.Reason),
            null => Cell.FromSamples(_samples.TryGetValue(row, out var list) ? list : []),
        };
    }
}
