using Grpc.Core;
using Minato.Api.V1;
using Minato.Build;
using Minato.Cri.Images;
using Minato.Engine.Errors;
using Minato.Engine.Images.Pull;
using Minato.Engine.Images.Push;
using Minato.Engine.Images.Registry;

namespace Minato.Daemon;

/// <summary><c>minato.v1.Images</c>: pull and push with progress, load, save and build for the CLI.</summary>
internal sealed partial class MinatoImagesAdapter(CriImageService images, ImageArchives archives, ImagePusher pusher, ImageBuilder builder) : Images.ImagesBase
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    public override async Task Pull(PullRequest request, IServerStreamWriter<PullEvent> responseStream, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.Image))
        {
            throw new InvalidInputException("image is required");
        }

        var credential = RegistryCredential.From(request.Username, request.Password, null, null, null);
        PullProgress? progress = null;
        var pull = images.PullAsync(request.Image, credential, request.ServerAddress, p => progress = p, context.CancellationToken);
        while (await Task.WhenAny(pull, Task.Delay(ProgressInterval, context.CancellationToken)) != pull)
        {
            if (progress is { } p)
            {
                await responseStream.WriteAsync(Event(p), context.CancellationToken);
            }
        }

        var id = await pull;
        var last = progress is null ? new PullEvent() : Event(progress);
        last.Phase = "done";
        last.ImageId = id;
        await responseStream.WriteAsync(last, context.CancellationToken);
    }

    private static PullEvent Event(PullProgress progress)
    {
        var update = new PullEvent { Phase = progress.Phase };
        update.Layers.AddRange(progress.Snapshot().Select(l => new LayerEvent
        {
            Digest = l.Digest,
            Size = l.Size,
            Bytes = l.Bytes,
            State = l.State.ToString(),
        }));
        return update;
    }
}
