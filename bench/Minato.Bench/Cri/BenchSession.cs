using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Report;
using Minato.Bench.Cri.Workloads;
using Minato.Cri.Api.V1;

namespace Minato.Bench.Cri;

/// <summary>One bench run: temp dir, network, registry and images, the runtimes, every workload, the reports, and the
/// cleanup of everything it started, whatever happened.</summary>
internal static class BenchSession
{
    private static readonly IReadOnlyList<IWorkload> AllWorkloads =
    [
        new VersionWorkload(), new MemoryWorkload(), new PodLifecycleWorkload(), new ContainerLifecycleWorkload(),
        new EndToEndWorkload(), new ListingWorkload(), new PullWorkload(),
    ];

    public static async Task<int> RunAsync(BenchOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var ct = timeout.Token;
        var progress = new Progress(output);
        var work = Directory.CreateTempSubdirectory("minato-bench-").FullName;
        var info = new BenchRunInfo
        {
            Started = DateTimeOffset.UtcNow,
            Host = Environment.MachineName,
            Kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
            Cores = Environment.ProcessorCount,
            Quick = options.Quick,
            Seed = options.Seed,
        };
        var results = new BenchResults(options.Runtimes, info);
        var counts = options.Counts;
        foreach (var (key, value) in counts.Describe())
        {
            info.Settings[key] = value;
        }

        var runtimes = new List<BenchRuntime>();
        BenchImages? images = null;
        try
        {
            var network = BenchNetwork.Write(work);
            info.Settings["network"] = $"CNI bridge {BenchNetwork.BridgeName} {BenchNetwork.Subnet} + portmap, plugins from {network.PluginDirectory}, for every runtime";
            progress.Phase("starting the local registry");
            images = await BenchImages.StartAsync(counts.PullBytes, counts.PullLayers, progress.Phase, ct);
            for (var i = 0; i < options.Runtimes.Count; i++)
            {
                var name = options.Runtimes[i];
                progress.Phase($"starting {name}");
                var runtime = await StartRuntimeAsync(options, name, i == 0 ? options.Endpoint : options.CompareEndpoint, work, network, images, ct);
                runtimes.Add(runtime);
                var version = await runtime.Runtime.VersionAsync(new VersionRequest { Version = "v1" }, deadline: PodSpecs.Deadline(), cancellationToken: ct);
                info.RuntimeVersions[name] = $"{version.RuntimeName} {version.RuntimeVersion} (CRI {version.RuntimeApiVersion}) on {runtime.SocketPath}";
                if (name == "minato" && options.Endpoint is null)
                {
                    info.Settings["minato"] = options.MinatoExecutable == MinatoHost.DefaultExecutable
                        ? "started by the bench: the minato built with it (same configuration)"
                        : $"started by the bench from {options.MinatoExecutable}";
                }

                if (name == "containerd" && options.CompareEndpoint is null)
                {
                    info.Settings["containerd"] = "started by the bench: config version 2, runc (cgroupfs), overlayfs, restrict_oom_score_adj " +
                        "(this host cannot lower oom_score_adj); its sandbox image is the fixtures' pause (busybox sh + sleep, two small " +
                        "processes per pod where Kubernetes' pause is one), so its per-pod PSS is slightly overstated";
                }
            }

            var context = new WorkloadContext
            {
                Runtimes = runtimes,
                Images = images,
                Counts = counts,
                Results = results,
                Progress = progress,
                Random = new Random(options.Seed),
                WorkDirectory = work,
                RunId = Path.GetFileName(work),
            };
            await PrepareAsync(context, ct);
            foreach (var workload in AllWorkloads.Where(w => options.Workloads.Count == 0 || options.Workloads.Contains(w.Name)))
            {
                progress.Phase($"workload {workload.Name}");
                try
                {
                    await workload.RunAsync(context, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A bug in one workload must not cost the rows of the others.
                    results.Note($"workload {workload.Name} stopped with {e.GetType().Name}: {e.Message}");
                }

                await RemoveLeftoversAsync(context, ct);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            results.Note($"the run hit its {options.Timeout.TotalMinutes:F0}-minute limit and stopped early");
        }
        finally
        {
            progress.Phase("cleaning up");
            foreach (var runtime in runtimes)
            {
                await runtime.DisposeAsync();
            }

            if (images is not null)
            {
                await images.DisposeAsync();
            }

            // The bridge plugin creates the bridge on first use and never deletes it; it is the bench's alone.
            await HostCleanup.DeleteLinkAsync(BenchNetwork.BridgeName);
            if (HostCleanup.UnmountUnder(work) > 0)
            {
                results.Note("mounts were left under the bench's temp dir after the runtimes stopped; they were unmounted");
            }

            if (options.KeepWorkDirectory)
            {
                progress.Phase($"kept {work} (daemon logs and configs)");
            }
            else
            {
                try
                {
                    Directory.Delete(work, recursive: true);
                }
                catch (IOException e)
                {
                    results.Note($"could not delete the bench's temp dir: {e.Message}");
                }
            }
        }

        info.Duration = DateTimeOffset.UtcNow - info.Started;
        ReportWriter.Write(results, options.OutputDirectory, options.LatestFile);
        progress.Phase($"report written to {options.OutputDirectory}");
        await output.WriteLineAsync(File.ReadAllText(Path.Combine(options.OutputDirectory, ReportWriter.MarkdownFile)));
        return cancellationToken.IsCancellationRequested ? 130 : 0;
    }

    private static async Task<BenchRuntime> StartRuntimeAsync(BenchOptions options, string name, string? endpoint, string work,
        BenchNetwork network, BenchImages images, CancellationToken ct)
    {
        if (endpoint is not null)
        {
            var external = new BenchRuntime(name, BenchRuntime.SocketPathOf(endpoint), owner: null);
            await EndpointProbe.WaitAsync(external, process: null, TimeSpan.FromSeconds(10), ct);
            return external;
        }

        return name switch
        {
            "minato" => await MinatoHost.StartAsync(options.MinatoExecutable, Path.Combine(work, "minato"), network, ct),
            "containerd" => await ContainerdHost.StartAsync(options.ContainerdExecutable,
                new ContainerdConfig(Path.Combine(work, "containerd"), network, images.Pause, images.RegistryHost), ct),
            _ => throw new ArgumentException($"unknown runtime {name}: the bench starts minato and containerd; give others with --endpoint/--compare-endpoint"),
        };
    }

    /// <summary>Pulls what the pods need up front (containerd's sandbox image, busybox), so no workload times a first pull.</summary>
    private static async Task PrepareAsync(WorkloadContext context, CancellationToken ct)
    {
        foreach (var runtime in context.Runtimes)
        {
            foreach (var image in new[] { context.Images.Pause, context.Images.Busybox })
            {
                try
                {
                    await PodSpecs.EnsureImageAsync(runtime, image, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The workloads that need the image report this runtime as not supported or failed, with the reason.
                    context.Progress.Phase($"{runtime.Name}: cannot pull {image}: {Failure.Describe(e, "pull").Reason}");
                    break;
                }
            }
        }
    }

    private static async Task RemoveLeftoversAsync(WorkloadContext context, CancellationToken ct)
    {
        foreach (var runtime in context.Runtimes)
        {
            try
            {
                var removed = await PodSpecs.RemoveLeftoversAsync(context, runtime, ct);
                if (removed > 0)
                {
                    context.Progress.Phase($"{runtime.Name}: removed {removed} pods a failed step left behind");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                context.Results.Note($"{runtime.Name}: removing leftover pods failed: {Failure.Describe(e, "cleanup").Reason}");
            }
        }
    }
}
