using System.CommandLine;
using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Workloads;

namespace Minato.Bench.Docker;

/// <summary><c>minato-bench docker</c>: the Docker Engine API workloads against Minato, dockerd and Podman in one run.</summary>
internal static class DockerBenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Smoke run: every workload, a few iterations" };
        var engines = new Option<string>("--engines") { Description = "Engines in report order; ratios are the first over each other", DefaultValueFactory = _ => "minato,dockerd,podman" };
        var output = new Option<string>("--out") { Description = "Results directory (docker.md)", DefaultValueFactory = _ => "minato-bench-results" };
        var minato = new Option<string>("--minato") { Description = "The minato executable to start", DefaultValueFactory = _ => MinatoHost.DefaultExecutable };
        var workloads = new Option<string?>("--workloads") { Description = "Only these: memory,run,create,exec,stats,list,pull,build,push" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the interleaving" };
        var command = new Command("docker", "Run the Docker Engine API benchmarks against Minato, dockerd (docker.io) and Podman")
        {
            quick, engines, output, minato, workloads, seed,
        };
        command.SetAction(async (parse, ct) =>
        {
            var names = Split(parse.GetValue(engines));
            var isQuick = parse.GetValue(quick);
            var only = Split(parse.GetValue(workloads)).ToHashSet(StringComparer.Ordinal);
            return await RunAsync(names, isQuick ? DockerBenchCounts.Quick : DockerBenchCounts.Full, only, Path.GetFullPath(parse.GetValue(output)!),
                parse.GetValue(minato)!, parse.GetValue(seed) ?? Random.Shared.Next(1, 1_000_000), parse.InvocationConfiguration.Error, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(IReadOnlyList<string> names, DockerBenchCounts counts, IReadOnlySet<string> selected, string output,
        string minato, int seed, TextWriter log, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(counts == DockerBenchCounts.Quick ? 5 : 30));
        var ct = timeout.Token;
        var started = DateTimeOffset.UtcNow;
        var only = selected;
        var builds = only.Count == 0 || only.Contains("build");
        var report = new DockerReport(builds && File.Exists(DockerBuildWorkloads.Buildah) ? [.. names, "buildah"] : names);
        var work = Directory.CreateTempSubdirectory("minato-bench-docker-").FullName;
        var engines = new List<DockerEngine>();
        BenchImages? images = null;
        void Progress(string phase) => log.WriteLine($"==> {phase}");
        try
        {
            Progress("starting the local registry");
            var pull = new BenchCounts();
            images = await BenchImages.StartAsync(counts == DockerBenchCounts.Quick ? 8L << 20 : pull.PullBytes, counts == DockerBenchCounts.Quick ? 2 : pull.PullLayers, Progress, ct);
            foreach (var name in names)
            {
                Progress($"starting {name}");
                var engine = await DockerEngineHosts.StartAsync(name, work, minato, images.RegistryHost, ct);
                engines.Add(engine);
                report.Versions[name] = $"{engine.Version} on {engine.SocketPath}";
                Progress($"{name}: pulling {images.Busybox}");
                using var response = await engine.Http.PostAsync($"images/create?fromImage={Uri.EscapeDataString(images.Busybox[..images.Busybox.LastIndexOf(':')])}&tag=1", null, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode || body.Contains("\"error", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{name} could not pull {images.Busybox}: {body}");
                }
            }

            report.Settings["engines"] = "each started by the bench with its own data root and socket; dockerd on its own bridge " +
                $"{DockerEngineHosts.DockerdBridge} ({DockerEngineHosts.DockerdBridgeAddress}), Minato on {DockerEngineHosts.MinatoBridge} ({DockerEngineHosts.MinatoSubnet}) with the host's iptables restored after; Podman with runc, cgroupfs, " +
                $"CNI ({DockerEngineHosts.PodmanSubnet}); containers on each engine's default bridge network";
            report.Settings["client"] = "the docker CLI 28 (/usr/local/bin/docker) for `docker run`; HTTP/1.1 on the engine's socket at API v1.41 for the rest";
            report.Settings["counts"] = $"{counts.Iterations} iterations per latency row (exec and stats x2, list x5) after one warm-up each; {counts.Running} running containers for list; {counts.Pulls} cold pulls of busybox + {images.PullLayers} layers, {images.PullBytes >> 20} MiB";
            report.Settings["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var random = new Random(seed);
            await new DockerWorkloads(engines, counts, report, images.Busybox, images.PullGzip, random, Progress).RunAllAsync(only, ct);
            var building = new DockerBuildWorkloads(engines, counts, report, images.Busybox, images.PullGzip, work, random, Progress);
            foreach (var (name, run) in new (string, Func<CancellationToken, Task>)[] { ("build", building.BuildAsync), ("push", building.PushAsync) })
            {
                if (only.Count == 0 || only.Contains(name))
                {
                    Progress($"workload {name}");
                    try
                    {
                        await run(ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        report.Note($"workload {name} stopped: {e.Message}");
                    }
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            report.Note($"the run stopped early: {e.Message.Split('\n')[0]}");
        }
        finally
        {
            Progress("cleaning up");
            foreach (var engine in Enumerable.Reverse(engines))
            {
                await engine.DisposeAsync();
            }

            if (images is not null)
            {
                await images.DisposeAsync();
            }

            HostCleanup.UnmountUnder(work);
            HostCleanup.KillProcessTreesMentioning(work);
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException e)
            {
                report.Note($"could not delete the bench's temp dir: {e.Message}");
            }
        }

        Directory.CreateDirectory(output);
        var markdown = report.Markdown(started, DateTimeOffset.UtcNow - started);
        await File.WriteAllTextAsync(Path.Combine(output, "docker.md"), markdown, CancellationToken.None);
        await log.WriteLineAsync(markdown);
        return cancellationToken.IsCancellationRequested ? 130 : 0;
    }

    private static List<string> Split(string? list) =>
        [.. (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
