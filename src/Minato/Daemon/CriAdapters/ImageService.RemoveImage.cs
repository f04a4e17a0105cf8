using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>RemoveImage.</summary>
internal sealed partial class ImageServiceAdapter
{
    public override async Task<RemoveImageResponse> RemoveImage(RemoveImageRequest request, ServerCallContext context)
    {
        // Idempotent by the CRI spec: a missing image is success (handled in CriImageService.RemoveAsync).
        await images.RemoveAsync(request.Image?.Image ?? "", context.CancellationToken);
        return new RemoveImageResponse();
    }
}
