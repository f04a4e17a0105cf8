using System.Diagnostics;
using Minato.Bench.Cri;
using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Workloads;
using Minato.Cli;
using Minato.Cri.Api.V1;

namespace Minato.Bench.Soak;

/// <summary>One soak: a Minato daemon with one pod (a <c>sleep</c> container and a busybox httpd), a warm-up, the sample
/// before, many exec / attach / port-forward cycles with periodic samples, the settled sample after, the reports, and the
/// cleanup of everything it started.</summary>
internal static class StreamingSoak
{
    private const int HttpPort = 8080;

    public static async Task<int> RunAsync(SoakOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var ct = timeout.Token;
        var progress = new Progress(output);
        var work = Directory.CreateTempSubdirectory("minato-soak-").FullName;
        var started = DateTimeOffset.UtcNow;
        BenchRuntime? runtime = null;
        BenchImages? images = null;
        string? podId = null;
        SoakResult result;
        try
        {
            var network = BenchNetwork.Write(work);
            progress.Phase("starting the local registry");
            images = await BenchImages.StartAsync(BenchCounts.Quick.PullBytes, BenchCounts.Quick.PullLayers, progress.Phase, ct);
            progress.Phase("starting minato");
            runtime = await MinatoHost.StartAsync(options.MinatoExecutable, work, network, ct);
            var version = await runtime.Runtime.VersionAsync(new VersionRequest { Version = "v1" }, deadline: PodSpecs.Deadline(), cancellationToken: ct);
            progress.Phase("starting the pod: sleep and httpd");
            (podId, var containerId) = await StartPodAsync(runtime, images.Busybox, work, ct);
            using var connection = CriConnection.Open("unix://" + runtime.SocketPath);
            var cycles = new StreamingCycles(connection, podId, containerId, HttpPort);
            await WaitForHttpdAsync(cycles, ct);
            result = await MeasureAsync(options, cycles, runtime.DaemonPid, work, progress, ct);
            result = result with { Started = started, RuntimeVersion = $"{version.RuntimeName} {version.RuntimeVersion}" };
        }
        finally
        {
            progress.Phase("cleaning up");
            if (runtime is not null)
            {
                await RemovePodAsync(runtime, podId);
                await runtime.DisposeAsync();
            }

            // Last resort when the pod could not be removed (Ctrl-C reaches the daemon too): conmon and the containers
            // outlive the daemon by design.
            HostCleanup.KillProcessTreesMentioning(work);

            if (images is not null)
            {
                await images.DisposeAsync();
            }

            await HostCleanup.DeleteLinkAsync(BenchNetwork.BridgeName);
            HostCleanup.UnmountUnder(work);
            if (options.KeepWorkDirectory)
            {
                progress.Phase($"kept {work} (daemon log and config)");
            }
            else
            {
                Directory.Delete(work, recursive: true);
            }
        }

        result = result with { Duration = DateTimeOffset.UtcNow - started };
        SoakReport.Write(result, options.OutputDirectory);
        progress.Phase($"report written to {options.OutputDirectory}");
        await output.WriteLineAsync(SoakReport.RenderMarkdown(result));
        return cancellationToken.IsCancellationRequested ? 130 : result.Problems.Count == 0 ? 0 : 1;
    }

    private static async Task<(string PodId, string ContainerId)> StartPodAsync(BenchRuntime runtime, string image, string work, CancellationToken ct)
    {
        await PodSpecs.EnsureImageAsync(runtime, image, ct);
        var runId = Path.GetFileName(work);
        var pod = PodSpecs.Pod(work, runId, "streaming-soak");
        var podId = await PodSpecs.RunPodAsync(runtime, pod, ct);
        var main = await PodSpecs.CreateContainerAsync(runtime, podId, pod, PodSpecs.Container(image, runId, "main", PodSpecs.ContainerCommand), ct);
        await PodSpecs.StartContainerAsync(runtime, main, ct);

        // /etc/passwd of the test image is what the port-forward cycles fetch.
        var web = await PodSpecs.CreateContainerAsync(runtime, podId, pod,
            PodSpecs.Container(image, runId, "web", ["httpd", "-f", "-p", HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-h", "/etc"]), ct);
        await PodSpecs.StartContainerAsync(runtime, web, ct);
        return (podId, main);
    }

    /// <summary>Removes the pod whatever happened before, with its own time limit, so a failed run leaves no containers.</summary>
    private static async Task RemovePodAsync(BenchRuntime runtime, string? podId)
    {
        if (podId is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await PodSpecs.RemovePodAsync(runtime, podId, timeout.Token);
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException)
        {
            // The daemon is gone or stuck; the processes are killed below.
        }
    }

    /// <summary>httpd may not listen yet right after its start; a few tries until a forwarded GET succeeds.</summary>
    private static async Task WaitForHttpdAsync(StreamingCycles cycles, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await cycles.RunAsync("port-forward", ct);
                return;
            }
            catch (InvalidOperationException) when (attempt < 50)
            {
                await Task.Delay(200, ct);
            }
        }
    }

    private static async Task<SoakResult> MeasureAsync(SoakOptions options, StreamingCycles cycles, int pid, string work, Progress progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var runner = new CycleRunner(cycles, options.Concurrency);
        progress.Phase($"warm-up: {options.WarmUp} cycles of each kind");
        var warmUp = await runner.RunAsync(options.WarmUp, progress.Status, ct);
        var before = DaemonSample.Take("before", runner.Completed, clock.Elapsed, pid, work);
        var samples = new List<DaemonSample> { before };

        progress.Phase($"soak: {options.Cycles} cycles of each kind, {options.Concurrency} at a time");
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampling = SampleAsync(samples, runner, clock, pid, work, options.SampleInterval, stopSampling.Token);
        var kinds = await runner.RunAsync(options.Cycles, progress.Status, ct);
        await stopSampling.CancelAsync();
        await sampling;
        var soakTime = clock.Elapsed - before.Elapsed;

        progress.Phase($"settling (up to {options.Settle.TotalSeconds:F0} s)");
        var settleStart = clock.Elapsed;
        DaemonSample after;
        while (true)
        {
            after = DaemonSample.Take("after", runner.Completed, clock.Elapsed, pid, work);
            if (SoakVerdict.Growth(before, after, options.Limits).Count == 0 || clock.Elapsed - settleStart >= options.Settle)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }

        samples.Add(after);
        var problems = SoakVerdict.Judge(before, after, options.Limits, kinds, warmUp);
        return new SoakResult(options, before, after, samples, kinds, problems, soakTime, after.Elapsed - settleStart);
    }

    private static async Task SampleAsync(List<DaemonSample> samples, CycleRunner runner, Stopwatch clock, int pid, string work, TimeSpan interval, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(interval, ct);
                samples.Add(DaemonSample.Take("during", runner.Completed, clock.Elapsed, pid, work));
            }
        }
        catch (OperationCanceledException)
        {
            // The soak ended.
        }
    }
}
