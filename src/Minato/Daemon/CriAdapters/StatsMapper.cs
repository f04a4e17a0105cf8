using Minato.Cri.Api.V1;
using Minato.Cri.Containers;
using Minato.Cri.Stats;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Linux.Namespaces;

namespace Minato.Daemon.CriAdapters;

/// <summary>Maps container and pod resource use (cgroup, writable layer, network) to the CRI's stats messages.</summary>
internal static class StatsMapper
{
    /// <param name="usage">The container's use at one moment.</param>
    /// <param name="layerMountpoint">The directory holding the writable layers, reported as the layer's filesystem.</param>
    public static ContainerStats ToProto(PodContainerUsage usage, string layerMountpoint)
    {
        var record = usage.Container;
        var attributes = new ContainerAttributes { Id = record.Id, Metadata = ContainerMapper.ToProto(record.Config.Metadata) };
        attributes.Labels.Add(new Dictionary<string, string>(record.Config.Labels));
        attributes.Annotations.Add(new Dictionary<string, string>(record.Config.Annotations));
        var stats = new ContainerStats
        {
            Attributes = attributes,
            WritableLayer = new FilesystemUsage
            {
                Timestamp = usage.Timestamp,
                FsId = new FilesystemIdentifier { Mountpoint = layerMountpoint },
                UsedBytes = new UInt64Value { Value = usage.LayerBytes },
                InodesUsed = new UInt64Value { Value = usage.LayerInodes },
            },
        };
        if (usage.Usage is { } cgroup)
        {
            stats.Cpu = ToCpu(cgroup, usage.NanoCores, usage.Timestamp);
            stats.Memory = ToMemory(cgroup, usage.Timestamp);
        }

        return stats;
    }

    /// <param name="usage">The pod's use and its containers' at one moment.</param>
    /// <param name="layerMountpoint">The directory holding the containers' writable layers.</param>
    public static PodSandboxStats ToProto(PodSandboxUsage usage, string layerMountpoint)
    {
        var pod = usage.Pod;
        var attributes = new PodSandboxAttributes { Id = pod.Id, Metadata = PodSandboxMapper.ToProto(pod.Config.Metadata) };
        attributes.Labels.Add(new Dictionary<string, string>(pod.Config.Labels));
        attributes.Annotations.Add(new Dictionary<string, string>(pod.Config.Annotations));
        var linux = new LinuxPodSandboxStats();
        if (usage.Usage is { } cgroup)
        {
            linux.Cpu = ToCpu(cgroup, usage.NanoCores, usage.Timestamp);
            linux.Memory = ToMemory(cgroup, usage.Timestamp);
            linux.Process = new ProcessUsage { Timestamp = usage.Timestamp, ProcessCount = Value(cgroup.Processes) };
        }

        if (usage.Interfaces is { } interfaces)
        {
            linux.Network = ToNetwork(interfaces, usage.Timestamp);
        }

        linux.Containers.AddRange(usage.Containers.Select(c => ToProto(c, layerMountpoint)));
        return new PodSandboxStats { Attributes = attributes, Linux = linux };
    }

    private static CpuUsage ToCpu(CgroupUsage cgroup, ulong? nanoCores, long timestamp) => new()
    {
        Timestamp = timestamp,
        UsageCoreNanoSeconds = Value(cgroup.CpuNanoseconds),
        UsageNanoCores = Value(nanoCores),
    };

    private static MemoryUsage ToMemory(CgroupUsage cgroup, long timestamp) => new()
    {
        Timestamp = timestamp,
        WorkingSetBytes = Value(cgroup.WorkingSetBytes),
        UsageBytes = Value(cgroup.MemoryUsageBytes),
        RssBytes = Value(cgroup.RssBytes),
        PageFaults = Value(cgroup.PageFaults),
        MajorPageFaults = Value(cgroup.MajorPageFaults),
        AvailableBytes = Value(AvailableMemory.Bytes(cgroup)),
    };

    /// <summary>Every interface but loopback, and the default one the kubelet reads for the pod (<see cref="PodInterfaces"/>).</summary>
    private static NetworkUsage ToNetwork(IReadOnlyList<InterfaceCounters> interfaces, long timestamp)
    {
        var network = new NetworkUsage { Timestamp = timestamp };
        network.Interfaces.AddRange(PodInterfaces.Reported(interfaces).Select(ToInterface));
        network.DefaultInterface = PodInterfaces.Default(interfaces) is { } chosen ? ToInterface(chosen) : null;
        return network;
    }

    private static NetworkInterfaceUsage ToInterface(InterfaceCounters counters) => new()
    {
        Name = counters.Name,
        RxBytes = new UInt64Value { Value = counters.RxBytes },
        RxErrors = new UInt64Value { Value = counters.RxErrors },
        TxBytes = new UInt64Value { Value = counters.TxBytes },
        TxErrors = new UInt64Value { Value = counters.TxErrors },
    };

    private static UInt64Value? Value(ulong? value) => value is { } v ? new UInt64Value { Value = v } : null;
}
