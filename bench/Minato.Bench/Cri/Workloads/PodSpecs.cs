using System.Diagnostics;
using Grpc.Core;
using Minato.Bench.Cri.Hosting;
using Minato.Cri.Api.V1;

namespace Minato.Bench.Cri.Workloads;

/// <summary>Pods and containers shaped like the kubelet's, and the CRI calls the workloads share.</summary>
internal static class PodSpecs
{
    public const string Namespace = "minato-bench";
    public const string RunLabel = "minato-bench.run";

    /// <summary>An argument only the bench's containers carry, so memory accounting can leave the workload's own processes out.</summary>
    public const string ContainerMarker = "86399";

    /// <summary>The container: busybox <c>sleep</c> under a shell that exits on SIGTERM, so Stop measures a graceful stop
    /// rather than the stop timeout (a bare <c>sleep</c> as pid 1 ignores SIGTERM).</summary>
    public static readonly IReadOnlyList<string> ContainerCommand = ["/bin/sh", "-c", $"trap 'exit 0' TERM; sleep {ContainerMarker} & wait"];

    public static TimeSpan RpcTimeout { get; } = TimeSpan.FromSeconds(60);

    public static PodSandboxConfig Pod(WorkloadContext context, string name) => Pod(context.WorkDirectory, context.RunId, name);

    /// <summary>A pod labelled with <paramref name="runId"/>, its log directory under <paramref name="workDirectory"/>.</summary>
    public static PodSandboxConfig Pod(string workDirectory, string runId, string name)
    {
        var uid = Guid.NewGuid().ToString();
        var logs = Path.Combine(workDirectory, "pod-logs", $"{Namespace}_{name}_{uid}");

        // The kubelet creates the log directory before RunPodSandbox; so does the bench, outside the clock.
        Directory.CreateDirectory(logs);
        return new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Namespace = Namespace, Uid = uid, Attempt = 0 },
            Hostname = name,
            LogDirectory = logs,
            Labels = { [RunLabel] = runId, ["io.kubernetes.pod.name"] = name, ["io.kubernetes.pod.namespace"] = Namespace },
            Linux = new LinuxPodSandboxConfig
            {
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
                },
            },
        };
    }

    public static ContainerConfig Container(WorkloadContext context, string name) =>
        Container(context.Images.Busybox, context.RunId, name, ContainerCommand);

    /// <summary>A container of <paramref name="image"/> running <paramref name="command"/>, labelled with <paramref name="runId"/>.</summary>
    public static ContainerConfig Container(string image, string runId, string name, IEnumerable<string> command) => new()
    {
        Metadata = new ContainerMetadata { Name = name, Attempt = 0 },
        Image = new ImageSpec { Image = image },
        Command = { command },
        LogPath = $"{name}_0.log",
        Labels = { [RunLabel] = runId },
        Linux = new LinuxContainerConfig(),
    };

    public static DateTime Deadline(TimeSpan? timeout = null) => DateTime.UtcNow.Add(timeout ?? RpcTimeout);

    public static async Task<string> RunPodAsync(BenchRuntime runtime, PodSandboxConfig config, CancellationToken cancellationToken) =>
        (await runtime.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config }, deadline: Deadline(), cancellationToken: cancellationToken)).PodSandboxId;

    public static async Task<string> CreateContainerAsync(BenchRuntime runtime, string podId, PodSandboxConfig pod, ContainerConfig config,
        CancellationToken cancellationToken) =>
        (await runtime.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod },
            deadline: Deadline(), cancellationToken: cancellationToken)).ContainerId;

    public static async Task StartContainerAsync(BenchRuntime runtime, string containerId, CancellationToken cancellationToken) =>
        await runtime.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = containerId }, deadline: Deadline(), cancellationToken: cancellationToken);

    /// <summary>Pod plus one started container; returns the pod id.</summary>
    public static async Task<string> RunPodWithContainerAsync(WorkloadContext context, BenchRuntime runtime, string name, CancellationToken cancellationToken)
    {
        var pod = Pod(context, name);
        var podId = await RunPodAsync(runtime, pod, cancellationToken);
        var containerId = await CreateContainerAsync(runtime, podId, pod, Container(context, "main"), cancellationToken);
        await StartContainerAsync(runtime, containerId, cancellationToken);
        return podId;
    }

    /// <summary>Stops and removes a pod (and with it its containers), as the kubelet does.</summary>
    public static async Task RemovePodAsync(BenchRuntime runtime, string podId, CancellationToken cancellationToken)
    {
        await runtime.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = podId }, deadline: Deadline(), cancellationToken: cancellationToken);
        await runtime.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = podId }, deadline: Deadline(), cancellationToken: cancellationToken);
    }

    /// <summary>Removes every pod of this run still on the runtime; returns how many there were.</summary>
    public static async Task<int> RemoveLeftoversAsync(WorkloadContext context, BenchRuntime runtime, CancellationToken cancellationToken)
    {
        var list = await runtime.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest
        {
            Filter = new PodSandboxFilter { LabelSelector = { [RunLabel] = context.RunId } },
        }, deadline: Deadline(), cancellationToken: cancellationToken);
        await Parallel.ForEachAsync(list.Items, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (pod, ct) => await RemovePodAsync(runtime, pod.Id, ct));
        return list.Items.Count;
    }

    /// <summary>Pulls <paramref name="image"/> unless the runtime has it.</summary>
    public static async Task EnsureImageAsync(BenchRuntime runtime, string image, CancellationToken cancellationToken)
    {
        var status = await runtime.Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = image } },
            deadline: Deadline(), cancellationToken: cancellationToken);
        if (status.Image is null)
        {
            await runtime.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image } },
                deadline: Deadline(TimeSpan.FromMinutes(5)), cancellationToken: cancellationToken);
        }
    }

    /// <summary>Times <paramref name="action"/> in milliseconds.</summary>
    public static async Task<double> TimeAsync(Func<Task> action)
    {
        var start = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>True when the call failed because the runtime does not implement it.</summary>
    public static bool IsUnimplemented(RpcException e) => e.StatusCode == StatusCode.Unimplemented;
}
