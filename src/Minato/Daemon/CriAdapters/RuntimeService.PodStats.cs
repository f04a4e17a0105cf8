using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Cri.Containers;
using Minato.Cri.Pods;
using Minato.Cri.Stats;

namespace Minato.Daemon.CriAdapters;

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
        var attributes = new PodSandboxAttributes { Id = pod.Id, Metadata = PodSandboxMapper.ToProto(pod.Config.Metadata) };
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

    /// <summary>Every interface but loopback, and the default one the kubelet reads for the pod (<see cref="PodInterfaces"/>).</summary>
    private static NetworkUsage ToNetwork(IReadOnlyList<Engine.Linux.Namespaces.InterfaceCounters> interfaces, long timestamp)
    {
        var network = new NetworkUsage { Timestamp = timestamp };
        network.Interfaces.AddRange(PodInterfaces.Reported(interfaces).Select(ToInterface));
        network.DefaultInterface = PodInterfaces.Default(interfaces) is { } chosen ? ToInterface(chosen) : null;
        return network;
    }

    private static NetworkInterfaceUsage ToInterface(Engine.Linux.Namespaces.InterfaceCounters counters) => new()
    {
        Name = counters.Name,
        RxBytes = new UInt64Value { Value = counters.RxBytes },
        RxErrors = new UInt64Value { Value = counters.RxErrors },
        TxBytes = new UInt64Value { Value = counters.TxBytes },
        TxErrors = new UInt64Value { Value = counters.TxErrors },
    };
}
