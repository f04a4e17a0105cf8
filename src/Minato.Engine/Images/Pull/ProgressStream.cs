using Minato.Engine.Images.Content;

namespace Minato.Engine.Images.Pull;

/// <summary>Passes a blob body through, copying it to a content writer and reporting every chunk.</summary>
internal sealed class ProgressStream(Stream inner, Stream? copy, Action<int> onBytes) : PassThroughReadStream(inner, leaveOpen: true)
{
    public override int Read(Span<byte> buffer)
    {
        var read = Inner.Read(buffer);
        copy?.Write(buffer[..read]);
        onBytes(read);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await Inner.ReadAsync(buffer, cancellationToken);
        if (copy is not null && read > 0)
        {
            await copy.WriteAsync(buffer[..read], cancellationToken);
        }

        onBytes(read);
        return read;
    }
}
