using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>ListImages.</summary>
internal sealed partial class ImageServiceAdapter
{
    public override Task<ListImagesResponse> ListImages(ListImagesRequest request, ServerCallContext context)
    {
        var response = new ListImagesResponse();
        response.Images.AddRange(images.List(request.Filter?.Image?.Image).Select(ImageMapper.ToProto));
        return Task.FromResult(response);
    }
}
