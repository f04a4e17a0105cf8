using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Measure;
using Minato.Bench.Cri.Report;

namespace Minato.Bench.Cri.Workloads;

/// <summary>Memory: the daemon's RSS when idle, and what each pod costs: the PSS of every process the runtime adds for it
/// (shims, pause, conmon; the container's own processes left out) and the daemon's own growth. Each runtime is measured
/// alone, in random order, since processes of the other would blur the accounting.</summary>
internal sealed class MemoryWorkload : IWorkload
{
    private const string W = "memory";
    private static readonly RowSpec Idle = new(W, "daemon RSS, idle", RowKind.Total, "MiB");
    public static readonly RowSpec PerPodWithContainer = new(W, "per pod + 1 container: PSS of added processes", RowKind.Total, "MiB");
    private static readonly RowSpec PerPodOnly = new(W, "per empty pod: PSS of added processes", RowKind.Total, "MiB");
    private static readonly RowSpec DaemonPerPod = new(W, "per pod + 1 container: daemon RSS growth", RowKind.Total, "MiB");

    public string Name => W;

    public async Task RunAsync(WorkloadContext context, CancellationToken cancellationToken)
    {
        var idle = new Dictionary<string, Cell>();
        var withContainer = new Dictionary<string, Cell>();
        var daemonGrowth = new Dictionary<string, Cell>();
        var podOnly = new Dictionary<string, Cell>();
        foreach (var runtime in Interleaved.Shuffled(context.Random, context.Runtimes))
        {
            context.Progress.Status($"memory: {runtime.Name}");
            idle[runtime.Name] = await Measure(runtime, "idle", async () =>
            {
                var samples = new List<double>();
                for (var i = 0; i < 5; i++)
                {
                    samples.Add(ProcessMemory.Rss(runtime.DaemonPid) / 1048576.0);
                    await Task.Delay(100, cancellationToken);
                }

                return Cell.FromSamples(samples);
            });
            podOnly[runtime.Name] = await Measure(runtime, "pods", async () =>
                Cell.FromSamples([(await PerPodAsync(context, runtime, withContainer: false, cancellationToken)).ProcessesMiB]));
            var measured = await MeasureBoth(runtime, async () => await PerPodAsync(context, runtime, withContainer: true, cancellationToken));
            withContainer[runtime.Name] = measured.Processes;
            daemonGrowth[runtime.Name] = measured.Daemon;
        }

        context.Results.Add(new Row(W, Idle.Name, Idle.Kind, Idle.Unit, idle));
        context.Results.Add(new Row(W, PerPodWithContainer.Name, PerPodWithContainer.Kind, PerPodWithContainer.Unit, withContainer));
        context.Results.Add(new Row(W, DaemonPerPod.Name, DaemonPerPod.Kind, DaemonPerPod.Unit, daemonGrowth));
        context.Results.Add(new Row(W, PerPodOnly.Name, PerPodOnly.Kind, PerPodOnly.Unit, podOnly));
    }

    private static async Task<Cell> Measure(BenchRuntime runtime, string step, Func<Task<Cell>> measure)
    {
        try
        {
            return await measure();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var (unsupported, reason) = Failure.Describe(e, step);
            return unsupported ? Cell.Unsupported(reason) : Cell.Failed(reason);
        }
    }

    private static async Task<(Cell Processes, Cell Daemon)> MeasureBoth(BenchRuntime runtime, Func<Task<PodCost>> measure)
    {
        try
        {
            var cost = await measure();
            return (Cell.FromSamples([cost.ProcessesMiB]), Cell.FromSamples([cost.DaemonMiB]));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var (unsupported, reason) = Failure.Describe(e, "pods with a container");
            var cell = unsupported ? Cell.Unsupported(reason) : Cell.Failed(reason);
            return (cell, cell);
        }
    }

    /// <summary>Starts the pods, lets them settle, and charges every process that appeared meanwhile to them.</summary>
    private static async Task<PodCost> PerPodAsync(WorkloadContext context, BenchRuntime runtime, bool withContainer, CancellationToken cancellationToken)
    {
        var n = context.Counts.MemoryPods;
        if (withContainer)
        {
            await PodSpecs.EnsureImageAsync(runtime, context.Images.Busybox, cancellationToken);
        }

        var daemonPid = runtime.DaemonPid;
        var before = ProcessMemory.Snapshot().Select(p => p.Pid).ToHashSet();
        var daemonBefore = ProcessMemory.Rss(daemonPid);
        var pods = new List<string>();
        try
        {
            for (var i = 0; i < n; i++)
            {
                pods.Add(withContainer
                    ? await PodSpecs.RunPodWithContainerAsync(context, runtime, $"mem-{i}", cancellationToken)
                    : await PodSpecs.RunPodAsync(runtime, PodSpecs.Pod(context, $"mem-{i}"), cancellationToken));
            }

            // Shims and monitors finish starting up (and touch their pages) shortly after the RPC returns.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var now = ProcessMemory.Snapshot();
            var byPid = now.ToDictionary(p => p.Pid);
            var added = now
                .Where(p => !before.Contains(p.Pid) && p.Pid != daemonPid && p.Pid != Environment.ProcessId)
                .Where(p => !p.CommandLine.Contains(PodSpecs.ContainerMarker, StringComparison.Ordinal))
                .Where(p => BelongsToRuntime(p, byPid, daemonPid, context.WorkDirectory))
                .ToList();
            var pss = added.Sum(p => ProcessMemory.Pss(p.Pid));
            var daemonGrowth = ProcessMemory.Rss(daemonPid) - daemonBefore;
            var names = string.Join(", ", added.GroupBy(p => p.Name).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key} x{g.Count()}"));
            context.Results.Note($"{runtime.Name}: {n} {(withContainer ? "pods with a container" : "empty pods")} added " +
                $"{(added.Count == 0 ? "no processes" : names)} ({pss / 1048576.0:F1} MiB PSS in all)");
            return new PodCost(pss / 1048576.0 / n, daemonGrowth / 1048576.0 / n);
        }
        finally
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            foreach (var id in pods)
            {
                await PodSpecs.RemovePodAsync(runtime, id, timeout.Token);
            }
        }
    }

    /// <summary>True for the daemon's descendants and for processes that name the run's temp dir (shims name their
    /// daemon's socket, monitors their bundle) and their descendants, so other users' processes on the machine are not
    /// charged to the pods.</summary>
    private static bool BelongsToRuntime(ProcessInfo process, IReadOnlyDictionary<int, ProcessInfo> byPid, int daemonPid, string workDirectory)
    {
        for (var (p, depth) = (process, 0); p is not null && depth < 64; depth++)
        {
            if (p.Pid == daemonPid || p.CommandLine.Contains(workDirectory, StringComparison.Ordinal))
            {
                return true;
            }

            p = p.ParentPid > 1 ? byPid.GetValueOrDefault(p.ParentPid) : null;
        }

        return false;
    }

    private sealed record PodCost(double ProcessesMiB, double DaemonMiB);
}
