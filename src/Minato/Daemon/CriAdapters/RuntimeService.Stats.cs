using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Cri.Containers;
using Minato.Cri.Stats;

namespace Minato.Daemon.CriAdapters;

/// <summary>Container stats RPCs: cgroup and writable-layer use, translated to the CRI's messages.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<ContainerStatsResponse> ContainerStats(ContainerStatsRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");
        var record = containers.Get(request.ContainerId);
        var usage = containers.Usage(new Cri.Containers.ContainerFilter(record.Id, null, null, new Dictionary<string, string>()));
        return Task.FromResult(new ContainerStatsResponse { Stats = usage.Select(ToStats).FirstOrDefault() });
    }

    public override Task<ListContainerStatsResponse> ListContainerStats(ListContainerStatsRequest request, ServerCallContext context)
    {
        var filter = request.Filter;
        var usage = containers.Usage(new Cri.Containers.ContainerFilter(
            filter?.Id,
            filter?.PodSandboxId,
            null,
            filter?.LabelSelector ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>()));
        var response = new ListContainerStatsResponse();
        response.Stats.AddRange(usage.Select(ToStats));
        return Task.FromResult(response);
    }

    private ContainerStats ToStats(ContainerUsage usage)
    {
        var record = usage.Container;
        var attributes = new ContainerAttributes
        {
            Id = record.Id,
            Metadata = new Cri.Api.V1.ContainerMetadata { Name = record.Config.Metadata.Name, Attempt = record.Config.Metadata.Attempt },
        };
        attributes.Labels.Add(new Dictionary<string, string>(record.Config.Labels));
        attributes.Annotations.Add(new Dictionary<string, string>(record.Config.Annotations));
        var stats = new ContainerStats
        {
            Attributes = attributes,
            WritableLayer = new FilesystemUsage
            {
                Timestamp = usage.Timestamp,
                FsId = new FilesystemIdentifier { Mountpoint = Path.Combine(config.Root, "containers") },
                UsedBytes = new UInt64Value { Value = usage.LayerBytes },
                InodesUsed = new UInt64Value { Value = usage.LayerInodes },
            },
        };
        if (usage.Usage is { } cgroup)
        {
            stats.Cpu = new CpuUsage
            {
                Timestamp = usage.Timestamp,
                UsageCoreNanoSeconds = Value(cgroup.CpuNanoseconds),
                UsageNanoCores = Value(usage.NanoCores),
            };
            stats.Memory = ToMemory(cgroup, usage.Timestamp);
        }

        return stats;
    }

    private static MemoryUsage ToMemory(Engine.Linux.Cgroups.CgroupUsage cgroup, long timestamp) => new()
    {
        Timestamp = timestamp,
        WorkingSetBytes = Value(cgroup.WorkingSetBytes),
        UsageBytes = Value(cgroup.MemoryUsageBytes),
        RssBytes = Value(cgroup.RssBytes),
        PageFaults = Value(cgroup.PageFaults),
        MajorPageFaults = Value(cgroup.MajorPageFaults),
        AvailableBytes = Value(AvailableMemory.Bytes(cgroup)),
    };

    private static UInt64Value? Value(ulong? value) => value is { } v ? new UInt64Value { Value = v } : null;
}
