using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Cri.Containers;
using Minato.Cri.Pods;

namespace Minato.Daemon;

/// <summary>Pod stats RPCs: the pod's cgroup (or its containers' sum), tasks, network from its namespace, and its containers.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<PodSandboxStatsResponse> PodSandboxStats(PodSandboxStatsRequest request, ServerCallContext context)
    {
        RequireId(request.PodSandboxId);
        var pod = pods.Get(request.PodSandboxId);
        var usage = await podStats.ReadAsync(new SandboxFilter(pod.Id, null, new Dictionary<string, string>()), context.CancellationToken);
        return new PodSandboxStatsResponse { Stats = usage.Select(ToStats).FirstOrDefault() };
    }

    public override async Task<ListPodSandboxStatsResponse> ListPodSandboxStats(ListPodSandboxStatsRequest request, ServerCallContext context)
    {
        var filter = request.Filter;
        var usage = await podStats.ReadAsync(
            new SandboxFilter(filter?.Id, null, filter?.LabelSelector ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>()),
            context.CancellationToken);
        var response = new ListPodSandboxStatsResponse();
        response.Stats.AddRange(usage.Select(ToStats));
        return response;
    }

    private Cri.Api.V1.PodSandboxStats ToStats(PodSandboxUsage usage)
    {
        var pod = usage.Pod;
        var attributes = new PodSandboxAttributes { Id = pod.Id, Metadata = PodTranslation.ToProto(pod.Config.Metadata) };
        attributes.Labels.Add(new Dictionary<string, string>(pod.Config.Labels));
        attributes.Annotations.Add(new Dictionary<string, string>(pod.Config.Annotations));
        var linux = new LinuxPodSandboxStats();
        if (usage.Usage is { } cgroup)
        {
            linux.Cpu = new CpuUsage { Timestamp = usage.Timestamp, UsageCoreNanoSeconds = Value(cgroup.CpuNanoseconds), UsageNanoCores = Value(usage.NanoCores) };
            linux.Memory = ToMemory(cgroup, usage.Timestamp);
            linux.Process = new ProcessUsage { Timestamp = usage.Timestamp, ProcessCount = Value(cgroup.Processes) };
        }

        if (usage.Interfaces is { } interfaces)
        {
            linux.Network = ToNetwork(interfaces, usage.Timestamp);
        }

        linux.Containers.AddRange(usage.Containers.Select(ToStats));
        return new Cri.Api.V1.PodSandboxStats { Attributes = attributes, Linux = linux };
    }

    /// <summary>The kubelet reads the default interface for the pod's network use: eth0 (CNI's name), else the first that is not loopback.</summary>
    private static NetworkUsage ToNetwork(IReadOnlyList<Engine.Linux.Namespaces.InterfaceCounters> interfaces, long timestamp)
    {
        var network = new NetworkUsage { Timestamp = timestamp };
        var listed = interfaces.Where(i => i.Name != "lo").Select(i => new NetworkInterfaceUsage
        {
            Name = i.Name,
            RxBytes = new UInt64Value { Value = i.RxBytes },
            RxErrors = new UInt64Value { Value = i.RxErrors },
            TxBytes = new UInt64Value { Value = i.TxBytes },
            TxErrors = new UInt64Value { Value = i.TxErrors },
        }).ToList();
        network.Interfaces.AddRange(listed);
        network.DefaultInterface = listed.FirstOrDefault(i => i.Name == "eth0") ?? listed.FirstOrDefault();
        return network;
    }
}
