using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using Grpc.Core;
using Minato.Bench.Cri;
using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Measure;
using Minato.Bench.Cri.Workloads;
using Minato.Cri.Api.V1;

namespace Minato.Bench.Faults;

/// <summary><c>minato-bench mixed-load</c>: many concurrent clients calling a mix of CRI RPCs (lists, statuses, stats, exec,
/// container create/start/remove) for a while. Every call has a deadline, so a deadlock shows as calls that time out; any
/// error is counted, none is the clients' fault. Reports each RPC's p50/p99.</summary>
internal static class MixedLoadCommand
{
    private static readonly string[] Operations =
        ["ListPodSandbox", "ListContainers", "PodSandboxStatus", "ContainerStatus", "ContainerStats", "ListContainerStats", "ExecSync", "CreateRemove"];

    public static Command Create()
    {
        var clients = new Option<int>("--clients") { Description = "Concurrent clients", DefaultValueFactory = _ => 50 };
        var duration = new Option<int>("--seconds") { Description = "How long the clients call", DefaultValueFactory = _ => 600 };
        var pods = new Option<int>("--pods") { Description = "Running pods the calls are about", DefaultValueFactory = _ => 5 };
        var minato = new Option<string>("--minato") { Description = "The minato executable to start", DefaultValueFactory = _ => MinatoHost.DefaultExecutable };
        var keep = new Option<bool>("--keep") { Description = "Keep the work directory with the daemon's log" };
        var command = new Command("mixed-load", "Concurrent clients calling a mix of CRI RPCs; exits 1 on any error or a call past its deadline")
        {
            clients, duration, pods, minato, keep,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(clients) < 1 || parse.GetValue(duration) < 1 || parse.GetValue(pods) < 1)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("--clients, --seconds and --pods take positive numbers");
                return 2;
            }

            return await RunAsync(parse.GetValue(minato)!, parse.GetValue(clients), TimeSpan.FromSeconds(parse.GetValue(duration)), parse.GetValue(pods),
                parse.GetValue(keep), parse.InvocationConfiguration.Output, cancellationToken);
        });
        return command;
    }

    private sealed record Target(string PodId, PodSandboxConfig Pod, string ContainerId);

    private static async Task<int> RunAsync(string executable, int clients, TimeSpan duration, int podCount, bool keep, TextWriter output, CancellationToken cancellationToken)
    {
        var progress = new Progress(Console.Error);
        await using var host = await LoadHost.StartAsync(executable, "minato-mixed-", progress, keep, cancellationToken);
        progress.Phase($"starting {podCount} pods");
        var targets = new List<Target>();
        for (var i = 0; i < podCount; i++)
        {
            var pod = PodSpecs.Pod(host.Work, host.RunId, $"mixed-{i}");
            var podId = await PodSpecs.RunPodAsync(host.Runtime, pod, cancellationToken);
            var container = await PodSpecs.CreateContainerAsync(host.Runtime, podId, pod, PodSpecs.Container(host.Busybox, host.RunId, "main", PodSpecs.ContainerCommand), cancellationToken);
            await PodSpecs.StartContainerAsync(host.Runtime, container, cancellationToken);
            targets.Add(new Target(podId, pod, container));
        }

        progress.Phase($"{clients} clients for {duration.TotalSeconds:F0} s");
        var latencies = Operations.ToDictionary(o => o, _ => new ConcurrentBag<double>());
        var errors = new ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        var calls = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        var workers = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            var serial = 0;
            while (!stop.IsCancellationRequested)
            {
                var operation = Operations[random.Next(Operations.Length)];
                var target = targets[random.Next(targets.Count)];
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await CallAsync(host, operation, target, $"c{client}-{serial++}", cancellationToken);
                    latencies[operation].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    errors.Add($"{operation}: {(e is RpcException r ? $"{r.StatusCode} {r.Status.Detail}" : e.Message)}");
                }

                var n = Interlocked.Increment(ref calls);
                progress.Status($"{clock.Elapsed.TotalSeconds:F0}/{duration.TotalSeconds:F0} s, {n} calls, {errors.Count} errors");
            }
        })).ToList();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;

        // Still answering at once afterwards: no lock was left held.
        var problems = new List<string>();
        try
        {
            await host.Runtime.Runtime.VersionAsync(new VersionRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken);
            var left = (await host.Runtime.Runtime.ListContainersAsync(new ListContainersRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken)).Containers.Count;
            if (left != targets.Count)
            {
                problems.Add($"{left} containers after the run, {targets.Count} expected: a create/remove pair left something");
            }
        }
        catch (RpcException e)
        {
            problems.Add($"the daemon does not answer after the run: {e.Status}");
        }

        if (!errors.IsEmpty)
        {
            problems.Add($"{errors.Count} calls failed; distinct: {string.Join("; ", errors.Distinct().Take(5))}");
        }

        var lines = new List<string> { $"mixed-load: {clients} clients, {podCount} pods, {elapsed.TotalSeconds:F0} s, {calls} calls ({calls / elapsed.TotalSeconds:F0}/s), {errors.Count} errors", "  rpc                   calls    p50 ms   p99 ms   max ms" };
        foreach (var operation in Operations)
        {
            var samples = latencies[operation].ToList();
            if (samples.Count > 0)
            {
                var s = Summary.Of(samples);
                lines.Add($"  {operation,-20} {s.N,6} {s.P50,9:F1} {s.P99,8:F1} {s.Max,8:F1}");
            }
        }

        var all = latencies.Values.SelectMany(v => v).ToList();
        if (all.Count > 0)
        {
            lines.Add($"  all calls: p99 {Summary.Of(all).P99:F1} ms");
        }

        lines.Add(problems.Count == 0 ? "verdict: PASS (no error, no call past its deadline)" : "verdict: FAIL\n  - " + string.Join("\n  - ", problems));
        await output.WriteLineAsync(string.Join('\n', lines));
        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>One call; the deadline is what a kubelet gives (2 minutes), far above any healthy answer.</summary>
    private static async Task CallAsync(LoadHost host, string operation, Target target, string name, CancellationToken ct)
    {
        var rpc = host.Runtime.Runtime;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        switch (operation)
        {
            case "ListPodSandbox":
                await rpc.ListPodSandboxAsync(new ListPodSandboxRequest(), deadline: deadline, cancellationToken: ct);
                break;
            case "ListContainers":
                await rpc.ListContainersAsync(new ListContainersRequest(), deadline: deadline, cancellationToken: ct);
                break;
            case "PodSandboxStatus":
                await rpc.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = target.PodId }, deadline: deadline, cancellationToken: ct);
                break;
            case "ContainerStatus":
                await rpc.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = target.ContainerId }, deadline: deadline, cancellationToken: ct);
                break;
            case "ContainerStats":
                await rpc.ContainerStatsAsync(new ContainerStatsRequest { ContainerId = target.ContainerId }, deadline: deadline, cancellationToken: ct);
                break;
            case "ListContainerStats":
                await rpc.ListContainerStatsAsync(new ListContainerStatsRequest(), deadline: deadline, cancellationToken: ct);
                break;
            case "ExecSync":
                var exec = await rpc.ExecSyncAsync(new ExecSyncRequest { ContainerId = target.ContainerId, Cmd = { "echo", name }, Timeout = 60 }, deadline: deadline, cancellationToken: ct);
                if (exec.ExitCode != 0 || exec.Stdout.ToStringUtf8() != name + "\n")
                {
                    throw new InvalidOperationException($"exec: exit {exec.ExitCode}, stdout \"{exec.Stdout.ToStringUtf8().Trim()}\"");
                }

                break;
            default:
                // A short-lived container beside the pod's main one, created, started and removed.
                var config = PodSpecs.Container(host.Busybox, host.RunId, name, PodSpecs.ContainerCommand);
                var id = (await rpc.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = target.PodId, Config = config, SandboxConfig = target.Pod },
                    deadline: deadline, cancellationToken: ct)).ContainerId;
                try
                {
                    await rpc.StartContainerAsync(new StartContainerRequest { ContainerId = id }, deadline: deadline, cancellationToken: ct);
                    await rpc.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 10 }, deadline: deadline, cancellationToken: ct);
                }
                finally
                {
                    await rpc.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id }, deadline: deadline, cancellationToken: CancellationToken.None);
                }

                break;
        }
    }
}
