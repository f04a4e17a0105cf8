using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>StreamImages: ListImages' images, same filter (a malformed one is InvalidArgument), in messages of a bounded number of images.</summary>
internal sealed partial class ImageServiceAdapter
{
    public override Task StreamImages(StreamImagesRequest request, IServerStreamWriter<StreamImagesResponse> responseStream, ServerCallContext context) =>
        ListChunks.WriteAsync(
            images.List(request.Filter?.Image?.Image),
            config.ListStreamChunkSize,
            chunk => new StreamImagesResponse { Images = { chunk.Select(ImageMapper.ToProto) } },
            responseStream,
            context.CancellationToken);
}
