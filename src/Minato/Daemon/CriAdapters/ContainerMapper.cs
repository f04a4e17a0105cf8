using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>Maps stored containers to the CRI's status and list messages, and the CRI's container filters to the core's.</summary>
/// <remarks>Unqualified types are the CRI's generated ones; the core's carry their namespace (<c>Cri.Containers.X</c>).</remarks>
internal static class ContainerMapper
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    public static ContainerState ToState(Engine.Containers.ContainerPhase phase) => phase switch
    {
        Engine.Containers.ContainerPhase.Created => ContainerState.ContainerCreated,
        Engine.Containers.ContainerPhase.Running => ContainerState.ContainerRunning,
        Engine.Containers.ContainerPhase.Exited => ContainerState.ContainerExited,
        _ => ContainerState.ContainerUnknown,
    };

    /// <summary>The phase a state filter selects; UNKNOWN selects a phase no listed container has.</summary>
    public static Engine.Containers.ContainerPhase ToPhase(ContainerState state) => state switch
    {
        ContainerState.ContainerCreated => Engine.Containers.ContainerPhase.Created,
        ContainerState.ContainerRunning => Engine.Containers.ContainerPhase.Running,
        ContainerState.ContainerExited => Engine.Containers.ContainerPhase.Exited,
        _ => Engine.Containers.ContainerPhase.Creating,
    };

    public static ContainerStatus ToStatus(Cri.Containers.PodContainer record)
    {
        var status = new ContainerStatus
        {
            Id = record.Id,
            Metadata = ToProto(record.Config.Metadata),
            State = ToState(record.Phase),
            CreatedAt = record.CreatedAt,
            StartedAt = record.StartedAt,
            FinishedAt = record.FinishedAt,
            ExitCode = record.ExitCode,
            Image = Image(record),
            ImageRef = record.ImageId,
            ImageId = record.ImageId,
            Reason = record.Reason,
            Message = record.Message,
            LogPath = record.LogPath,
            Resources = new ContainerResources { Linux = ToProto(record.Config.Resources) },
        };
        status.Labels.Add(new Dictionary<string, string>(record.Config.Labels));
        status.Annotations.Add(new Dictionary<string, string>(record.Config.Annotations));
        status.Mounts.AddRange(record.Config.Mounts.Select(m => new Mount
        {
            ContainerPath = m.ContainerPath,
            HostPath = m.HostPath,
            Readonly = m.Readonly,
            SelinuxRelabel = m.SelinuxRelabel,
            Propagation = m.Propagation switch
            {
                Cri.Containers.MountPropagation.HostToContainer => MountPropagation.PropagationHostToContainer,
                Cri.Containers.MountPropagation.Bidirectional => MountPropagation.PropagationBidirectional,
                _ => MountPropagation.PropagationPrivate,
            },
            Image = m.Image.Length > 0 ? new ImageSpec { Image = m.Image } : null,
            ImageSubPath = m.ImageSubPath,
        }));
        return status;
    }

    public static Container ToListItem(Cri.Containers.PodContainer record)
    {
        var item = new Container
        {
            Id = record.Id,
            PodSandboxId = record.PodId,
            Metadata = ToProto(record.Config.Metadata),
            Image = Image(record),
            ImageRef = record.ImageId,
            ImageId = record.ImageId,
            State = ToState(record.Phase),
            CreatedAt = record.CreatedAt,
        };
        item.Labels.Add(new Dictionary<string, string>(record.Config.Labels));
        item.Annotations.Add(new Dictionary<string, string>(record.Config.Annotations));
        return item;
    }

    /// <summary>The Linux resources applied to the container: as created, then as the last UpdateContainerResources set them.</summary>
    public static LinuxContainerResources ToProto(Cri.Containers.ContainerResources r)
    {
        var linux = new LinuxContainerResources
        {
            CpuPeriod = r.CpuPeriod,
            CpuQuota = r.CpuQuota,
            CpuShares = r.CpuShares,
            MemoryLimitInBytes = r.MemoryLimitInBytes,
            MemorySwapLimitInBytes = r.MemorySwapLimitInBytes,
            OomScoreAdj = r.OomScoreAdj,
            CpusetCpus = r.CpusetCpus,
            CpusetMems = r.CpusetMems,
        };
        linux.HugepageLimits.AddRange(r.HugepageLimits.Select(h => new HugepageLimit { PageSize = h.PageSize, Limit = h.Limit }));
        linux.Unified.Add(new Dictionary<string, string>(r.Unified));
        return linux;
    }

    public static ContainerMetadata ToProto(Cri.Containers.ContainerMetadata metadata) => new() { Name = metadata.Name, Attempt = metadata.Attempt };

    /// <summary>ListContainers' filter; an absent filter or field matches every container.</summary>
    public static Cri.Containers.ContainerFilter ToFilter(ContainerFilter? filter) => new(
        filter?.Id,
        filter?.PodSandboxId,
        filter?.State is null ? null : ToPhase(filter.State.State),
        filter?.LabelSelector ?? NoLabels);

    /// <summary>ListContainerStats' filter, which has no state.</summary>
    public static Cri.Containers.ContainerFilter ToFilter(ContainerStatsFilter? filter) =>
        new(filter?.Id, filter?.PodSandboxId, null, filter?.LabelSelector ?? NoLabels);

    /// <summary>Exactly the container <paramref name="id"/>.</summary>
    public static Cri.Containers.ContainerFilter FilterById(string id) => new(id, null, null, NoLabels);

    private static ImageSpec Image(Cri.Containers.PodContainer record)
    {
        var image = new ImageSpec { Image = record.Config.Image.Image, UserSpecifiedImage = record.Config.Image.UserSpecifiedImage };
        image.Annotations.Add(new Dictionary<string, string>(record.Config.Image.Annotations));
        return image;
    }
}
