using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using Minato.Bench.Cri;
using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Measure;
using Minato.Bench.Cri.Workloads;
using Minato.Bench.Soak;
using Minato.Cri.Api.V1;

namespace Minato.Bench.Faults;

/// <summary><c>minato-bench churn</c>: many pod + container lifecycles (run, create, start, exec, logs, stop, remove), a
/// few in parallel; the daemon's resources and the node's (mounts, namespaces, cgroups, addresses, database, monitors) must
/// come back to where they were, and no cycle may be more than twice as slow as the first ones.</summary>
internal static class ChurnCommand
{
    private const int Baseline = 50;

    public static Command Create()
    {
        var cycles = new Option<int>("--cycles") { Description = "Pod + container cycles", DefaultValueFactory = _ => 1000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Cycles in flight at once", DefaultValueFactory = _ => 10 };
        var minato = new Option<string>("--minato") { Description = "The minato executable to start", DefaultValueFactory = _ => MinatoHost.DefaultExecutable };
        var keep = new Option<bool>("--keep") { Description = "Keep the work directory with the daemon's log" };
        var command = new Command("churn", "Pod + container lifecycles against a Minato daemon; exits 1 when anything leaks, a cycle fails, or cycles slow down")
        {
            cycles, concurrency, minato, keep,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (n, parallel) = (parse.GetValue(cycles), parse.GetValue(concurrency));
            if (n < Baseline || parallel < 1)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"--cycles takes at least {Baseline}, --concurrency a positive number");
                return 2;
            }

            return await RunAsync(parse.GetValue(minato)!, n, parallel, parse.GetValue(keep), parse.InvocationConfiguration.Output, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(string executable, int cycles, int concurrency, bool keep, TextWriter output, CancellationToken cancellationToken)
    {
        var progress = new Progress(Console.Error);
        await using var host = await LoadHost.StartAsync(executable, "minato-churn-", progress, keep, cancellationToken);
        var runtime = host.Runtime;
        var pid = runtime.DaemonPid;
        var ids = new ConcurrentBag<string>();

        progress.Phase($"warm-up: {concurrency * 2} cycles");
        var warmUp = await RunCyclesAsync(host, concurrency * 2, concurrency, ids, progress, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var before = Sample(host, "before", pid);

        progress.Phase($"churn: {cycles} cycles, {concurrency} at a time");
        var clock = Stopwatch.StartNew();
        var measured = await RunCyclesAsync(host, cycles, concurrency, ids, progress, cancellationToken);
        var churnTime = clock.Elapsed;

        // Thread-pool threads retire after about 20 s idle; give the daemon that long to come back.
        progress.Phase("settling (up to 45 s)");
        NodeSample after;
        var settle = Stopwatch.StartNew();
        while (true)
        {
            after = Sample(host, "after", pid);
            if (Problems(before, after, [], warmUp.Failures).Count == 0 || settle.Elapsed > TimeSpan.FromSeconds(45))
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        }

        var latencies = measured.Latencies.OrderBy(l => l.Index).Select(l => l.Milliseconds).ToList();
        var problems = Problems(before, after, latencies, measured.Failures.Concat(warmUp.Failures).ToList());
        var leftCgroups = LoadHost.CgroupsOf(ids.ToList());
        if (leftCgroups > 0)
        {
            problems.Add($"{leftCgroups} cgroups of removed pods or containers are left");
        }

        await output.WriteLineAsync(Render(cycles, concurrency, churnTime, before, after, latencies, measured.Failures, problems));
        return problems.Count == 0 ? 0 : 1;
    }

    private sealed record CycleLatency(int Index, double Milliseconds);

    private sealed record CycleResults(List<CycleLatency> Latencies, List<string> Failures);

    private static async Task<CycleResults> RunCyclesAsync(LoadHost host, int count, int concurrency, ConcurrentBag<string> ids, Progress progress, CancellationToken cancellationToken)
    {
        var latencies = new ConcurrentBag<CycleLatency>();
        var failures = new ConcurrentBag<string>();
        var next = -1;
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, concurrency), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (_, ct) =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < count)
                {
                    var start = Stopwatch.GetTimestamp();
                    try
                    {
                        await CycleAsync(host, index, ids, ct);
                        latencies.Add(new CycleLatency(index, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
                    }
                    catch (Exception e) when (!ct.IsCancellationRequested)
                    {
                        failures.Add($"cycle {index}: {e.GetType().Name}: {e.Message}");
                    }

                    progress.Status($"{Interlocked.Increment(ref done)}/{count} cycles, {failures.Count} failed");
                }
            });
        return new CycleResults([.. latencies], [.. failures]);
    }

    /// <summary>One pod's life as the kubelet drives it: run, create, start, exec, read the log, stop, remove.</summary>
    private static async Task CycleAsync(LoadHost host, int index, ConcurrentBag<string> ids, CancellationToken ct)
    {
        var runtime = host.Runtime;
        var pod = PodSpecs.Pod(host.Work, host.RunId, $"churn-{index}");
        var podId = await PodSpecs.RunPodAsync(runtime, pod, ct);
        ids.Add(podId);
        try
        {
            var config = PodSpecs.Container(host.Busybox, host.RunId, "main", ["/bin/sh", "-c", $"echo cycle {index}; trap 'exit 0' TERM; sleep {PodSpecs.ContainerMarker} & wait"]);
            var containerId = await PodSpecs.CreateContainerAsync(runtime, podId, pod, config, ct);
            ids.Add(containerId);
            await PodSpecs.StartContainerAsync(runtime, containerId, ct);
            var exec = await runtime.Runtime.ExecSyncAsync(new ExecSyncRequest { ContainerId = containerId, Cmd = { "echo", "exec" }, Timeout = 30 },
                deadline: PodSpecs.Deadline(), cancellationToken: ct);
            if (exec.ExitCode != 0 || exec.Stdout.ToStringUtf8() != "exec\n")
            {
                throw new InvalidOperationException($"exec: exit {exec.ExitCode}, stdout \"{exec.Stdout.ToStringUtf8().Trim()}\"");
            }

            var log = Path.Combine(pod.LogDirectory, config.LogPath);
            for (var attempt = 0; !(File.Exists(log) && (await File.ReadAllTextAsync(log, ct)).Contains($"cycle {index}", StringComparison.Ordinal)); attempt++)
            {
                if (attempt == 100)
                {
                    throw new InvalidOperationException($"the container's line never reached {log}");
                }

                await Task.Delay(20, ct);
            }

            await runtime.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = containerId, Timeout = 10 }, deadline: PodSpecs.Deadline(), cancellationToken: ct);
        }
        finally
        {
            await PodSpecs.RemovePodAsync(runtime, podId, ct);
            Directory.Delete(pod.LogDirectory, recursive: true);
        }
    }

    private sealed record NodeSample(DaemonSample Daemon, int Mounts, int NetworkNamespaces, int Ipam, long DatabaseBytes, int Pods);

    private static NodeSample Sample(LoadHost host, string label, int pid) =>
        new(DaemonSample.Take(label, 0, TimeSpan.Zero, pid, host.Work), host.Mounts(), host.NetworkNamespaces(), host.IpamAllocations(), host.DatabaseBytes(),
            Directory.Exists(Path.Combine(host.Work, "minato", "state", "pods")) ? Directory.GetDirectories(Path.Combine(host.Work, "minato", "state", "pods")).Length : 0);

    private static List<string> Problems(NodeSample before, NodeSample after, List<double> latencies, List<string> failures)
    {
        var problems = SoakVerdict.Growth(before.Daemon, after.Daemon, new SoakLimits());
        Check(problems, "mounts under the work directory", before.Mounts, after.Mounts);
        Check(problems, "network namespaces", before.NetworkNamespaces, after.NetworkNamespaces);
        Check(problems, "IPAM allocations", before.Ipam, after.Ipam);
        Check(problems, "pod state directories", before.Pods, after.Pods);

        // The write-ahead log is checkpointed at about 4 MiB and its file then kept; freed pages of the database are reused.
        if (after.DatabaseBytes > before.DatabaseBytes + (8L << 20))
        {
            problems.Add($"the database grew from {before.DatabaseBytes / 1024} KiB to {after.DatabaseBytes / 1024} KiB");
        }

        if (failures.Count > 0)
        {
            problems.Add($"{failures.Count} cycles failed, first: {failures[0]}");
        }

        if (latencies.Count >= 2 * Baseline)
        {
            // Cycles run ten at a time on a shared machine, so single cycles are noisy: the median of every run of 50
            // must stay within twice the first 50's, and no single cycle may take twice the slowest of the first 50.
            var first = latencies.Take(Baseline).ToList();
            var firstMedian = Summary.Of(first).P50;
            for (var i = Baseline; i + Baseline <= latencies.Count; i += Baseline)
            {
                var median = Summary.Of(latencies.Skip(i).Take(Baseline).ToList()).P50;
                if (median > 2 * firstMedian)
                {
                    problems.Add($"cycles {i}-{i + Baseline - 1}: median {median:F0} ms, more than twice the first {Baseline}' {firstMedian:F0} ms");
                }
            }

            var slow = latencies.Skip(Baseline).Count(l => l > 2 * first.Max());
            if (slow > 0)
            {
                problems.Add($"{slow} cycles took more than twice the slowest of the first {Baseline} ({first.Max():F0} ms)");
            }
        }

        return problems;
    }

    private static void Check(List<string> problems, string what, int before, int after)
    {
        if (after > before)
        {
            problems.Add($"{what}: {before} before, {after} after");
        }
    }

    private static string Render(int cycles, int concurrency, TimeSpan time, NodeSample before, NodeSample after, List<double> latencies, List<string> failures, List<string> problems)
    {
        var s = latencies.Count > 0 ? Summary.Of(latencies) : null;
        var first = latencies.Count >= Baseline ? Summary.Of(latencies.Take(Baseline).ToList()) : null;
        var last = latencies.Count >= Baseline ? Summary.Of(latencies.TakeLast(Baseline).ToList()) : null;
        var lines = new List<string>
        {
            $"churn: {cycles} pod + container cycles (run, create, start, exec, logs, stop, remove), {concurrency} at a time, in {time.TotalSeconds:F0} s ({cycles / time.TotalSeconds:F1} cycles/s), {failures.Count} failed",
            $"  cycle latency ms: p50 {s?.P50:F0}, p90 {s?.P90:F0}, p99 {s?.P99:F0}, max {s?.Max:F0}; first {Baseline} median {first?.P50:F0} (max {first?.Max:F0}), last {Baseline} median {last?.P50:F0}",
            "  resource            before   after",
            $"  RSS MiB           {before.Daemon.RssMiB,8:F1} {after.Daemon.RssMiB,7:F1}",
            $"  descriptors       {before.Daemon.Descriptors,8} {after.Daemon.Descriptors,7}",
            $"  threads           {before.Daemon.Threads,8} {after.Daemon.Threads,7}",
            $"  conmon            {before.Daemon.Conmon,8} {after.Daemon.Conmon,7}",
            $"  mounts            {before.Mounts,8} {after.Mounts,7}",
            $"  netns             {before.NetworkNamespaces,8} {after.NetworkNamespaces,7}",
            $"  IPAM allocations  {before.Ipam,8} {after.Ipam,7}",
            $"  pod dirs          {before.Pods,8} {after.Pods,7}",
            $"  database KiB      {before.DatabaseBytes / 1024,8} {after.DatabaseBytes / 1024,7}",
            problems.Count == 0 ? "verdict: PASS (flat, no failure, no slowdown)" : "verdict: FAIL\n  - " + string.Join("\n  - ", problems),
        };
        return string.Join('\n', lines);
    }
}
