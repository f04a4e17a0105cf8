using Grpc.Core;

namespace Minato.Daemon.CriAdapters;

/// <summary>Writes a Stream* list RPC's objects in messages of a bounded number of objects, one message in memory at a time.</summary>
internal static class ListChunks
{
    /// <summary>
    /// Takes <paramref name="chunkSize"/> items of <paramref name="source"/> at a time, turns them into one message with
    /// <paramref name="build"/> (where the protobuf objects are made, so only one chunk of them exists at once) and waits for
    /// it to be written before taking the next: a slow client holds back the daemon, not its memory. An empty source sends
    /// no message, as an empty unary list. A cancelled call stops between or during writes.
    /// </summary>
    public static async Task WriteAsync<TItem, TResponse>(
        IEnumerable<TItem> source,
        int chunkSize,
        Func<IReadOnlyList<TItem>, CancellationToken, Task<TResponse>> build,
        IServerStreamWriter<TResponse> writer,
        CancellationToken cancellationToken)
    {
        foreach (var chunk in source.Chunk(chunkSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var message = await build(chunk, cancellationToken);
            await writer.WriteAsync(message, cancellationToken);
        }
    }

    /// <summary><see cref="WriteAsync{TItem, TResponse}(IEnumerable{TItem}, int, Func{IReadOnlyList{TItem}, CancellationToken, Task{TResponse}}, IServerStreamWriter{TResponse}, CancellationToken)"/> for a message built without waiting.</summary>
    public static Task WriteAsync<TItem, TResponse>(
        IEnumerable<TItem> source,
        int chunkSize,
        Func<IReadOnlyList<TItem>, TResponse> build,
        IServerStreamWriter<TResponse> writer,
        CancellationToken cancellationToken) =>
        WriteAsync(source, chunkSize, (chunk, _) => Task.FromResult(build(chunk)), writer, cancellationToken);
}
