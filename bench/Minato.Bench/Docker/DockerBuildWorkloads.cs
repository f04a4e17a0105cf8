using System.Diagnostics;
using System.Text;
using Minato.Testing;

namespace Minato.Bench.Docker;

/// <summary>
/// Image builds and pushes: one Dockerfile built cold (<c>--no-cache</c>) and warm (every step cached) through each
/// engine's classic builder with the docker CLI, and by buildah when it is installed; a large image pushed to a
/// fresh registry (so every layer is really uploaded) with <c>docker push</c>.
/// </summary>
internal sealed class DockerBuildWorkloads(IReadOnlyList<DockerEngine> engines, DockerBenchCounts counts, DockerReport report,
    string baseImage, string pushImage, string work, Random random, Action<string> progress)
{
    /// <summary>Buildah's executable; the build rows get a buildah column when it exists.</summary>
    public const string Buildah = "/usr/bin/buildah";

    private const string Cli = "/usr/local/bin/docker";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Builds the same context cold and warm on every engine (and buildah), interleaved.</summary>
    public async Task BuildAsync(CancellationToken ct)
    {
        var context = WriteContext(Path.Combine(work, "build-context"), counts == DockerBenchCounts.Quick ? 2 << 20 : 32 << 20);
        var builders = engines.Select(e => (e.Name, Build: (Func<bool, CancellationToken, Task>)((cold, ct) => DockerBuildAsync(e, context, cold, ct)))).ToList();
        if (File.Exists(Buildah))
        {
            var buildah = new BuildahStore(Path.Combine(work, "buildah"));
            builders.Add(("buildah", (cold, ct) => buildah.BuildAsync(context, cold, ct)));
        }

        var iterations = Math.Max(1, counts.Iterations / 6);
        foreach (var cold in new[] { true, false })
        {
            var measurement = cold ? "docker build, cold (--no-cache)" : "docker build, warm (all steps cached)";
            progress($"{measurement}: {iterations} per engine");
            var samples = builders.ToDictionary(b => b.Name, _ => new List<double>());
            var failed = new Dictionary<string, string>();

            // The untimed first round pulls the base image and fills the cache the warm row reuses.
            for (var i = -1; i < iterations; i++)
            {
                foreach (var (name, build) in builders.OrderBy(_ => random.Next()).Where(b => !failed.ContainsKey(b.Name)))
                {
                    try
                    {
                        var watch = Stopwatch.StartNew();
                        await build(cold, ct);
                        if (i >= 0)
                        {
                            samples[name].Add(watch.Elapsed.TotalMilliseconds);
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        failed[name] = e.Message;
                    }
                }
            }

            foreach (var (name, _) in builders)
            {
                if (failed.TryGetValue(name, out var why))
                {
                    report.Fail(name, "build", measurement, why);
                }
                else
                {
                    report.Add(name, "build", measurement, "ms", samples[name]);
                }
            }
        }
    }

    /// <summary>Pushes <c>pushImage</c> to a registry started empty for each push, so no layer exists there yet.</summary>
    /// <remarks>Podman is left out: its docker CLI path needs the registry in its registries.conf before it starts.</remarks>
    public async Task PushAsync(CancellationToken ct)
    {
        var pushers = engines.Where(e => e.Name != "podman").ToList();
        var measurement = "docker push, every layer uploaded (CLI)";
        var iterations = Math.Max(1, counts.Pulls);
        var samples = pushers.ToDictionary(e => e.Name, _ => new List<double>());
        var failed = new Dictionary<string, string>();
        foreach (var engine in pushers)
        {
            progress($"{engine.Name}: pulling {pushImage} to push it");
            var colon = pushImage.LastIndexOf(':');
            using var response = await engine.Http.PostAsync($"images/create?fromImage={Uri.EscapeDataString(pushImage[..colon])}&tag={pushImage[(colon + 1)..]}", null, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode || body.Contains("\"error", StringComparison.Ordinal))
            {
                failed[engine.Name] = $"could not pull {pushImage}: {Tail(body)}";
            }
        }

        for (var i = -1; i < iterations; i++)
        {
            foreach (var engine in pushers.OrderBy(_ => random.Next()).Where(e => !failed.ContainsKey(e.Name)))
            {
                await using var registry = await RegistryFixture.StartAsync(cancellationToken: ct);
                try
                {
                    var target = $"{registry.Host}/bench/pushed:{i + 2}";
                    var colon = target.LastIndexOf(':');
                    await engine.SendAsync(HttpMethod.Post,
                        $"images/{Uri.EscapeDataString(pushImage)}/tag?repo={Uri.EscapeDataString(target[..colon])}&tag={target[(colon + 1)..]}", null, ct);
                    var watch = Stopwatch.StartNew();
                    var result = await CommandResult.RunAsync(Cli, ["push", target], CommandTimeout, Environment(engine));
                    var elapsed = watch.Elapsed.TotalMilliseconds;
                    if (result.ExitCode != 0)
                    {
                        throw new InvalidOperationException($"docker push exited {result.ExitCode}: {Tail(result.Stderr + result.Stdout)}");
                    }

                    if (i >= 0)
                    {
                        samples[engine.Name].Add(elapsed);
                    }

                    await engine.SendAsync(HttpMethod.Delete, $"images/{Uri.EscapeDataString(target)}", null, ct, allowNotFound: true);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed[engine.Name] = e.Message;
                }
            }
        }

        foreach (var engine in pushers)
        {
            if (failed.TryGetValue(engine.Name, out var why))
            {
                report.Fail(engine.Name, "push", measurement, why);
            }
            else
            {
                report.Add(engine.Name, "push", measurement, "ms", samples[engine.Name]);
            }
        }
    }

    private static async Task DockerBuildAsync(DockerEngine engine, string context, bool cold, CancellationToken ct)
    {
        string[] args = cold ? ["build", "-q", "--no-cache", "-t", "bench-build:cold", context] : ["build", "-q", "-t", "bench-build:warm", context];
        var result = await CommandResult.RunAsync(Cli, args, CommandTimeout, Environment(engine));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{engine.Name}: docker build exited {result.ExitCode}: {Tail(result.Stderr + result.Stdout)}");
        }

        ct.ThrowIfCancellationRequested();
    }

    /// <summary>The bench's Dockerfile: metadata steps, a COPY of <paramref name="bytes"/> of files, two RUNs that write and delete.</summary>
    private string WriteContext(string directory, long bytes)
    {
        var files = Path.Combine(directory, "files");
        Directory.CreateDirectory(files);
        const int Count = 64;
        var buffer = new byte[bytes / Count];
        var fill = new Random(7);
        for (var i = 0; i < Count; i++)
        {
            // Half random, half repeated: about 2:1 compressible, like the pull bench's layers.
            fill.NextBytes(buffer.AsSpan(0, buffer.Length / 2));
            buffer.AsSpan(buffer.Length / 2).Fill((byte)('a' + (i % 26)));
            File.WriteAllBytes(Path.Combine(files, $"f{i}"), buffer);
        }

        File.WriteAllText(Path.Combine(directory, ".dockerignore"), "*.tmp\n");
        File.WriteAllText(Path.Combine(directory, "ignored.tmp"), "not sent\n");
        File.WriteAllText(Path.Combine(directory, "Dockerfile"), new StringBuilder()
            .AppendLine(FormattableString.Invariant($"FROM {baseImage}"))
            .AppendLine("ARG STEP=1")
            .AppendLine("ENV APP=/app")
            .AppendLine("WORKDIR /app")
            .AppendLine("COPY files/ ./files/")
            .AppendLine("RUN for i in $(seq 1 200); do echo \"line $i $STEP\" > /app/gen-$i.txt; done && rm -f /app/files/f0")
            .AppendLine("RUN [\"sh\", \"-c\", \"du -s /app > /app/size\"]")
            .AppendLine("LABEL bench=build")
            .AppendLine("CMD [\"sh\"]")
            .ToString());
        return directory;
    }

    private static Dictionary<string, string?> Environment(DockerEngine engine) => new()
    {
        ["DOCKER_HOST"] = engine.DockerHost,
        ["DOCKER_CONTEXT"] = null,
        ["DOCKER_CONFIG"] = "/nonexistent",
        // The classic builder (the /build protocol each engine serves); the docker CLI 28 would otherwise ask for BuildKit.
        ["DOCKER_BUILDKIT"] = "0",
    };

    private static string Tail(string text) => text.Length > 400 ? text[^400..].Trim() : text.Trim();

    /// <summary>A buildah storage of the bench's own (root, run root), chroot isolation with the host's network.</summary>
    private sealed class BuildahStore(string directory)
    {
        public async Task BuildAsync(string context, bool cold, CancellationToken ct)
        {
            List<string> args =
            [
                "--root", Path.Combine(directory, "root"), "--runroot", Path.Combine(directory, "run"), "--storage-driver", "overlay",
                "bud", "--isolation", "chroot", "--layers", "--tls-verify=false", "-q", "-t", cold ? "bench-build:cold" : "bench-build:warm",
            ];
            if (cold)
            {
                args.Add("--no-cache");
            }

            args.Add(context);
            var result = await CommandResult.RunAsync(Buildah, args, CommandTimeout, new Dictionary<string, string?> { ["BUILDAH_ISOLATION"] = "chroot" });
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"buildah bud exited {result.ExitCode}: {Tail(result.Stderr + result.Stdout)}");
            }

            ct.ThrowIfCancellationRequested();
        }
    }
}
