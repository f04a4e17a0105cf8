using Grpc.Core;
using Minato.Daemon.CriAdapters;

namespace Minato.Tests.Daemon.CriAdapters;

public sealed class ListChunksTests
{
    [Fact]
    public async Task WriteAsync_SevenItemsChunksOfThree_ThreeMessagesInOrder()
    {
        var writer = new RecordingWriter();

        await ListChunks.WriteAsync(Enumerable.Range(0, 7), 3, chunk => chunk.ToList(), writer, CancellationToken.None);

        Assert.Equal([[0, 1, 2], [3, 4, 5], [6]], writer.Messages);
    }

    [Fact]
    public async Task WriteAsync_EmptySource_NoMessage()
    {
        var writer = new RecordingWriter();

        await ListChunks.WriteAsync(Enumerable.Empty<int>(), 3, chunk => chunk.ToList(), writer, CancellationToken.None);

        Assert.Empty(writer.Messages);
    }

    [Fact]
    public async Task WriteAsync_ItemsTakenLazily_NextChunkReadOnlyAfterTheMessageIsWritten()
    {
        var writer = new RecordingWriter();
        var taken = 0;
        writer.OnWrite = () => Assert.Equal(Math.Min(writer.Messages.Count * 2, 5), taken);

        await ListChunks.WriteAsync(Enumerable.Range(0, 5).Select(i => { taken++; return i; }), 2, chunk => chunk.ToList(), writer, CancellationToken.None);

        Assert.Equal(3, writer.Messages.Count);
    }

    [Fact]
    public async Task WriteAsync_CancelledAfterTheFirstMessage_StopsWithoutReadingFurther()
    {
        using var cancel = new CancellationTokenSource();
        var writer = new RecordingWriter { OnWrite = cancel.Cancel };
        var taken = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ListChunks.WriteAsync(Enumerable.Range(0, 100).Select(i => { taken++; return i; }), 2, chunk => chunk.ToList(), writer, cancel.Token));

        Assert.Single(writer.Messages);
        Assert.InRange(taken, 2, 4);
    }

    private sealed class RecordingWriter : IServerStreamWriter<List<int>>
    {
        public List<List<int>> Messages { get; } = [];

        public Action? OnWrite { get; set; }

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(List<int> message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(List<int> message, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Messages.Add(message);
            OnWrite?.Invoke();
            return Task.CompletedTask;
        }
    }
}
