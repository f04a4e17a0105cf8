using System.Net;
using Minato.Engine.Images.Content;

namespace Minato.Engine.Images.Push;

/// <summary>A request body of <paramref name="count"/> bytes of a stored blob from <paramref name="offset"/>, reporting each write.</summary>
internal sealed class BlobUploadContent(ContentStore content, Digest digest, long offset, long count, Action<int> onBytes) : HttpContent
{
    private const int BufferBytes = 1 << 16;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var file = content.OpenRead(digest);
        file.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[BufferBytes];
        var left = count;
        while (left > 0)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken);
            if (read == 0)
            {
                throw new IOException($"blob {digest} ended {left} bytes early");
            }

            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            left -= read;
            onBytes(read);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = count;
        return true;
    }
}
