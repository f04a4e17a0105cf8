using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>ImageFsInfo.</summary>
internal sealed partial class ImageServiceAdapter
{
    public override Task<ImageFsInfoResponse> ImageFsInfo(ImageFsInfoRequest request, ServerCallContext context)
    {
        var response = new ImageFsInfoResponse();
        response.ImageFilesystems.Add(ImageMapper.ToProto(images.FsUsage()));
        return Task.FromResult(response);
    }
}
