using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Engine.Errors;
using Minato.Engine.Images.Registry;

namespace Minato.Daemon.CriAdapters;

/// <summary>PullImage.</summary>
internal sealed partial class ImageServiceAdapter
{
    public override async Task<PullImageResponse> PullImage(PullImageRequest request, ServerCallContext context)
    {
        var image = request.Image?.Image;
        if (string.IsNullOrEmpty(image))
        {
            throw new InvalidInputException("image.image is required");
        }

        var auth = request.Auth;
        var credential = auth is null ? null
            : RegistryCredential.From(auth.Username, auth.Password, auth.Auth, auth.IdentityToken, auth.RegistryToken);
        var id = await images.PullAsync(image, credential, auth?.ServerAddress, null, context.CancellationToken);
        return new PullImageResponse { ImageRef = id };
    }
}
