using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>ImageStatus.</summary>
internal sealed partial class ImageServiceAdapter
{
    public override async Task<ImageStatusResponse> ImageStatus(ImageStatusRequest request, ServerCallContext context)
    {
        // CRI: "If the image is not present, returns a response with ImageStatusResponse.Image set to nil."
        var record = images.Find(request.Image?.Image ?? "");
        var response = new ImageStatusResponse();
        if (record is null)
        {
            return response;
        }

        response.Image = ImageMapper.ToProto(images.ToCri(record));
        if (request.Verbose)
        {
            response.Info.Add("info", await images.VerboseInfoAsync(record, context.CancellationToken));
        }

        return response;
    }
}
