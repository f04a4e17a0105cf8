using Minato.Cri.Api.V1;
using Minato.Cri.Images;

namespace Minato.Daemon.CriAdapters;

/// <summary>Maps images and the image filesystem's use to the CRI's messages.</summary>
internal static class ImageMapper
{
    public static Image ToProto(CriImage image)
    {
        var proto = new Image
        {
            Id = image.Id,
            Size = image.Size,
            Username = image.Username,
            Pinned = image.Pinned,
            Spec = new ImageSpec { Image = image.Id },
        };
        proto.RepoTags.AddRange(image.RepoTags);
        proto.RepoDigests.AddRange(image.RepoDigests);
        if (image.Uid is { } uid)
        {
            proto.Uid = new Int64Value { Value = uid };
        }

        return proto;
    }

    public static FilesystemUsage ToProto(ImageFsUsage usage) => new()
    {
        Timestamp = usage.TimestampNanos,
        FsId = new FilesystemIdentifier { Mountpoint = usage.Mountpoint },
        UsedBytes = new UInt64Value { Value = usage.UsedBytes },
        InodesUsed = new UInt64Value { Value = usage.InodesUsed },
    };
}
