using Minato.Cri.Api.V1;
using Minato.Cri.Images;

namespace Minato.Daemon.CriAdapters;

/// <summary>CRI ImageService: thin translation between protobuf messages and <see cref="CriImageService"/>.</summary>
/// <remarks>One file per RPC, named after it: <c>ImageService.PullImage.cs</c>, <c>ImageService.ListImages.cs</c>, ...</remarks>
internal sealed partial class ImageServiceAdapter(CriImageService images) : ImageService.ImageServiceBase
{
    private static Image ToProto(CriImage image)
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
}
