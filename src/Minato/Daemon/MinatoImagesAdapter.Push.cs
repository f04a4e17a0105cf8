using Grpc.Core;
using Minato.Api.V1;
using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Push;
using Minato.Engine.Images.Registry;

namespace Minato.Daemon;

/// <summary><c>minato.v1.Images/Push</c>: the engine's push with a progress event every 200 ms and a last one with the digest.</summary>
internal sealed partial class MinatoImagesAdapter
{
    public override async Task Push(PushRequest request, IServerStreamWriter<PushEvent> responseStream, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.Image))
        {
            throw new InvalidInputException("image is required");
        }

        var target = ImageReference.Parse(request.Image);
        if (target.Digest is not null)
        {
            throw new InvalidInputException($"image {request.Image}: push a tag, not a digest");
        }

        var credential = RegistryCredential.From(request.Username, request.Password, null, null, null);
        var progress = new PushProgress();
        var push = pusher.PushAsync(target, credential, request.ServerAddress, progress, context.CancellationToken);
        while (await Task.WhenAny(push, Task.Delay(ProgressInterval, context.CancellationToken)) != push)
        {
            await responseStream.WriteAsync(Event(target, progress), context.CancellationToken);
        }

        var result = await push;
        var last = Event(target, progress);
        (last.Tag, last.Digest, last.Size) = (result.Tag, result.Digest, result.Size);
        await responseStream.WriteAsync(last, context.CancellationToken);
    }

    private static PushEvent Event(ImageReference target, PushProgress progress)
    {
        var update = new PushEvent { Repository = target.Name };
        update.Layers.AddRange(progress.Snapshot().Select(l => new PushLayerEvent
        {
            Digest = l.Digest,
            DiffId = l.DiffId,
            Size = l.Size,
            Bytes = l.Bytes,
            State = l.State.ToString(),
            MountedFrom = l.MountedFrom ?? "",
        }));
        return update;
    }
}
