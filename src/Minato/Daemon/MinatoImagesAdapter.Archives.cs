using System.IO.Pipelines;
using Google.Protobuf;
using Grpc.Core;
using Minato.Api.V1;

namespace Minato.Daemon;

/// <summary>Load and Save of <c>minato.v1.Images</c>.</summary>
internal sealed partial class MinatoImagesAdapter
{
    private const int ChunkSize = 256 * 1024;

    public override async Task<LoadResponse> Load(LoadRequest request, ServerCallContext context)
    {
        var loaded = await archives.LoadAsync(request.Path, request.Tag, context.CancellationToken);
        var response = new LoadResponse();
        foreach (var image in loaded)
        {
            var item = new LoadedImage { Id = image.Id };
            item.Names.AddRange(image.RepoTags.Concat(image.RepoDigests));
            response.Images.Add(item);
        }

        return response;
    }

    public override async Task Save(SaveRequest request, IServerStreamWriter<SaveChunk> responseStream, ServerCallContext context)
    {
        // The tar is written into a pipe and sent as it is produced, so a large image never sits in memory.
        var pipe = new Pipe();
        var writing = Task.Run(async () =>
        {
            await using var output = pipe.Writer.AsStream();
            await archives.SaveAsync(request.Images, output, context.CancellationToken);
        });
        await using (var input = pipe.Reader.AsStream())
        {
            var buffer = new byte[ChunkSize];
            int read;
            while ((read = await input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, context.CancellationToken)) > 0)
            {
                await responseStream.WriteAsync(new SaveChunk { Data = ByteString.CopyFrom(buffer, 0, read) }, context.CancellationToken);
            }
        }

        await writing;
    }
}
