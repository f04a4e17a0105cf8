using System.Text.Json;
using Minato.Cri.Api;
using Minato.Cri.Containers;
using Minato.Engine.Containers;

namespace Minato.Daemon;

/// <summary>Maps stored containers to the CRI's status and list messages.</summary>
internal static class ContainerViews
{
    public static ContainerState ToState(ContainerPhase phase) => phase switch
    {
        ContainerPhase.Created => ContainerState.ContainerCreated,
        ContainerPhase.Running => ContainerState.ContainerRunning,
        ContainerPhase.Exited => ContainerState.ContainerExited,
        _ => ContainerState.ContainerUnknown,
    };

    /// <summary>The phase a state filter selects; UNKNOWN selects a phase no listed container has.</summary>
    public static ContainerPhase ToPhase(ContainerState state) => state switch
    {
        ContainerState.ContainerCreated => ContainerPhase.Created,
        ContainerState.ContainerRunning => ContainerPhase.Running,
        ContainerState.ContainerExited => ContainerPhase.Exited,
        _ => ContainerPhase.Creating,
    };

    public static ContainerStatus ToStatus(PodContainer record)
    {
        var status = new ContainerStatus
        {
            Id = record.Id,
            Metadata = Metadata(record),
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
                Cri.Containers.MountPropagation.HostToContainer => Cri.Api.MountPropagation.PropagationHostToContainer,
                Cri.Containers.MountPropagation.Bidirectional => Cri.Api.MountPropagation.PropagationBidirectional,
                _ => Cri.Api.MountPropagation.PropagationPrivate,
            },
        }));
        return status;
    }

    public static Container ToListItem(PodContainer record)
    {
        var item = new Container
        {
            Id = record.Id,
            PodSandboxId = record.PodId,
            Metadata = Metadata(record),
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

    /// <summary>The verbose <c>info</c> entry: where the container's pieces are on the host.</summary>
    public static string VerboseInfo(PodContainer record)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("pid", record.Pid);
            json.WriteString("phase", record.Phase.ToString());
            json.WriteString("bundle", record.BundleDirectory);
            json.WriteString("rootfs", record.State.RootfsPath);
            json.WriteString("layer", record.LayerDirectory);
            json.WriteString("runtimeHandler", record.RuntimeHandler);
            json.WriteString("stopSignal", record.State.StopSignal);
            json.WriteString("memoryCgroup", record.State.MemoryCgroup);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static Cri.Api.ContainerMetadata Metadata(PodContainer record) =>
        new() { Name = record.Config.Metadata.Name, Attempt = record.Config.Metadata.Attempt };

    private static ImageSpec Image(PodContainer record)
    {
        var image = new ImageSpec { Image = record.Config.Image.Image, UserSpecifiedImage = record.Config.Image.UserSpecifiedImage };
        image.Annotations.Add(new Dictionary<string, string>(record.Config.Image.Annotations));
        return image;
    }
}
