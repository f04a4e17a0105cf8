using System.Diagnostics;
using System.Text.Json.Nodes;
using Minato.Bench.Cri.Measure;
using Minato.Testing;

namespace Minato.Bench.Docker;

/// <summary>The Docker API workloads, each run on every engine in an interleaved order, so drift of the machine during
/// the run lands on all of them alike.</summary>
internal sealed class DockerWorkloads(IReadOnlyList<DockerEngine> engines, DockerBenchCounts counts, DockerReport report,
    string image, string pullImage, Random random, Action<string> progress)
{
    public async Task RunAllAsync(IReadOnlySet<string> only, CancellationToken ct)
    {
        var all = new (string Name, Func<CancellationToken, Task> Run)[]
        {
            ("memory", IdleMemoryAsync), ("run", RunRemoveAsync), ("create", CreateStartAsync), ("exec", ExecAsync),
            ("stats", StatsAsync), ("list", ListAsync), ("pull", PullAsync),
        };
        foreach (var (name, run) in all.Where(w => only.Count == 0 || only.Contains(w.Name)))
        {
            progress($"workload {name}");
            try
            {
                await run(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                report.Note($"workload {name} stopped: {e.Message}");
            }

            foreach (var engine in engines)
            {
                await RemoveAllContainersAsync(engine, ct);
            }
        }
    }

    private async Task IdleMemoryAsync(CancellationToken ct)
    {
        foreach (var engine in engines)
        {
            report.Add(engine.Name, "memory", "daemon RSS, idle", "MiB", [DaemonRss(engine)]);
        }

        await Task.CompletedTask;
    }

    /// <summary><c>docker run --rm IMAGE true</c> with the real CLI: what a CI job sees, process start to exit.</summary>
    private async Task RunRemoveAsync(CancellationToken ct) => await InterleavedAsync("container", "docker run --rm IMAGE true (CLI)", counts.Iterations,
        async (engine, ct) =>
        {
            var watch = Stopwatch.StartNew();
            string[] ulimits = engine.Name == "podman" ? [.. PodmanUlimits.SelectMany(u => new[] { "--ulimit", $"{u.Name}={u.Value}:{u.Value}" })] : [];
            var result = await CommandResult.RunAsync("/usr/local/bin/docker", ["run", "--rm", .. ulimits, image, "true"], TimeSpan.FromMinutes(2),
                new Dictionary<string, string?> { ["DOCKER_HOST"] = engine.DockerHost, ["DOCKER_CONTEXT"] = null, ["DOCKER_CONFIG"] = "/nonexistent" });
            var elapsed = watch.Elapsed.TotalMilliseconds;
            return result.ExitCode == 0 ? elapsed : throw new InvalidOperationException($"{engine.Name}: docker run exited {result.ExitCode}: {result.Stderr.Trim()}");
        }, ct);

    private async Task CreateStartAsync(CancellationToken ct) => await InterleavedAsync("container", "create + start (API)", counts.Iterations,
        async (engine, ct) =>
        {
            var watch = Stopwatch.StartNew();
            var id = await CreateAsync(engine, ct);
            await engine.SendAsync(HttpMethod.Post, $"containers/{id}/start", null, ct);
            var elapsed = watch.Elapsed.TotalMilliseconds;
            await engine.SendAsync(HttpMethod.Delete, $"containers/{id}?force=1", null, ct);
            return elapsed;
        }, ct);

    private async Task ExecAsync(CancellationToken ct)
    {
        var targets = await StartEachAsync(1, ct);
        await InterleavedAsync("container", "exec true, attached (API)", counts.Iterations * 2, async (engine, ct) =>
        {
            var watch = Stopwatch.StartNew();
            var exec = await engine.SendAsync(HttpMethod.Post, $"containers/{targets[engine][0]}/exec",
                new JsonObject { ["Cmd"] = new JsonArray("true"), ["AttachStdout"] = true, ["AttachStderr"] = true }, ct);
            var execId = exec!["Id"]!.GetValue<string>();
            await engine.SendAsync(HttpMethod.Post, $"exec/{execId}/start", new JsonObject { ["Detach"] = false, ["Tty"] = false }, ct);
            return watch.Elapsed.TotalMilliseconds;
        }, ct);
    }

    private async Task StatsAsync(CancellationToken ct)
    {
        var targets = await StartEachAsync(1, ct);
        await InterleavedAsync("container", "one-shot stats (API)", counts.Iterations * 2, async (engine, ct) =>
        {
            var watch = Stopwatch.StartNew();
            await engine.SendAsync(HttpMethod.Get, $"containers/{targets[engine][0]}/stats?stream=false&one-shot=true", null, ct);
            return watch.Elapsed.TotalMilliseconds;
        }, ct);
    }

    private async Task ListAsync(CancellationToken ct)
    {
        progress($"starting {counts.Running} containers on each engine");
        await StartEachAsync(counts.Running, ct);
        foreach (var engine in engines)
        {
            report.Add(engine.Name, "memory", $"daemon RSS, {counts.Running} running containers", "MiB", [DaemonRss(engine)]);
        }

        await InterleavedAsync("list", $"docker ps: containers/json ({counts.Running} running)", counts.Iterations * 5, async (engine, ct) =>
        {
            var watch = Stopwatch.StartNew();
            var list = await engine.SendAsync(HttpMethod.Get, "containers/json", null, ct);
            var elapsed = watch.Elapsed.TotalMilliseconds;
            return list is JsonArray { Count: var n } && n >= counts.Running ? elapsed
                : throw new InvalidOperationException($"{engine.Name}: containers/json listed fewer than {counts.Running} containers");
        }, ct);
    }

    private async Task PullAsync(CancellationToken ct) => await InterleavedAsync("pull", "cold pull (API)", counts.Pulls, async (engine, ct) =>
    {
        await engine.SendAsync(HttpMethod.Delete, $"images/{Uri.EscapeDataString(pullImage)}?force=1", null, ct, allowNotFound: true);
        var colon = pullImage.LastIndexOf(':');
        var watch = Stopwatch.StartNew();
        using var response = await engine.Http.PostAsync($"images/create?fromImage={Uri.EscapeDataString(pullImage[..colon])}&tag={pullImage[(colon + 1)..]}", null, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var elapsed = watch.Elapsed.TotalMilliseconds;
        return response.IsSuccessStatusCode && !body.Contains("\"error", StringComparison.Ordinal) ? elapsed
            : throw new InvalidOperationException($"{engine.Name}: pull answered {(int)response.StatusCode}: {body[^Math.Min(body.Length, 300)..]}");
    }, ct);

    private async Task InterleavedAsync(string group, string measurement, int iterations, Func<DockerEngine, CancellationToken, Task<double>> once, CancellationToken ct)
    {
        var samples = engines.ToDictionary(e => e, _ => new List<double>());
        var failed = new Dictionary<DockerEngine, string>();

        // One untimed warm-up each: first-use costs (page cache, lazy set-up) are not what the row measures.
        for (var i = -1; i < iterations; i++)
        {
            foreach (var engine in engines.OrderBy(_ => random.Next()).Where(e => !failed.ContainsKey(e)))
            {
                try
                {
                    var ms = await once(engine, ct);
                    if (i >= 0)
                    {
                        samples[engine].Add(ms);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed[engine] = e.Message;
                }
            }
        }

        foreach (var engine in engines)
        {
            if (failed.TryGetValue(engine, out var why))
            {
                report.Fail(engine.Name, group, measurement, why);
            }
            else
            {
                report.Add(engine.Name, group, measurement, "ms", samples[engine]);
            }
        }
    }

    private async Task<Dictionary<DockerEngine, List<string>>> StartEachAsync(int count, CancellationToken ct)
    {
        var ids = engines.ToDictionary(e => e, _ => new List<string>());
        foreach (var engine in engines)
        {
            for (var i = 0; i < count; i++)
            {
                var id = await CreateAsync(engine, ct);
                await engine.SendAsync(HttpMethod.Post, $"containers/{id}/start", null, ct);
                ids[engine].Add(id);
            }
        }

        return ids;
    }

    private async Task<string> CreateAsync(DockerEngine engine, CancellationToken ct)
    {
        var body = new JsonObject { ["Image"] = image, ["Cmd"] = new JsonArray("sleep", "3600"), ["StopSignal"] = "SIGKILL" };
        if (engine.Name == "podman")
        {
            body["HostConfig"] = new JsonObject { ["Ulimits"] = new JsonArray(PodmanUlimits.Select(u => (JsonNode)new JsonObject { ["Name"] = u.Name, ["Soft"] = u.Value, ["Hard"] = u.Value }).ToArray()) };
        }

        var created = await engine.SendAsync(HttpMethod.Post, "containers/create", body, ct);
        return created!["Id"]!.GetValue<string>();
    }

    private static async Task RemoveAllContainersAsync(DockerEngine engine, CancellationToken ct)
    {
        try
        {
            if (await engine.SendAsync(HttpMethod.Get, "containers/json?all=1", null, ct) is JsonArray list)
            {
                foreach (var container in list)
                {
                    await engine.SendAsync(HttpMethod.Delete, $"containers/{container!["Id"]}?force=1", null, ct, allowNotFound: true);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // The next workload reports whatever is still wrong with this engine.
        }
    }

    /// <summary>Podman raises nofile and nproc for root containers beyond the hard limits of a host whose root lacks
    /// CAP_SYS_RESOURCE, and its runc then fails: its containers get the host's nofile hard limit and a modest nproc
    /// (its own monitor runs with a lower nproc hard limit than the bench) explicitly.</summary>
    private static IEnumerable<(string Name, long Value)> PodmanUlimits => [("nofile", HardLimit("Max open files")), ("nproc", 4096)];

    private static long HardLimit(string name)
    {
        var line = File.ReadLines("/proc/self/limits").First(l => l.StartsWith(name, StringComparison.Ordinal));
        var hard = line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return hard == "unlimited" ? 1L << 20 : long.Parse(hard, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static double DaemonRss(DockerEngine engine) => ProcessMemory.Snapshot()
        .Where(p => engine.DaemonNames.Contains(p.Name) && p.CommandLine.Contains(Path.GetDirectoryName(engine.SocketPath)!, StringComparison.Ordinal))
        .Sum(p => ProcessMemory.Rss(p.Pid)) / 1048576.0;
}

/// <summary>How many of each the Docker bench runs.</summary>
internal sealed record DockerBenchCounts(int Iterations, int Running, int Pulls)
{
    public static readonly DockerBenchCounts Full = new(30, 100, 5);
    public static readonly DockerBenchCounts Quick = new(3, 5, 1);
}
