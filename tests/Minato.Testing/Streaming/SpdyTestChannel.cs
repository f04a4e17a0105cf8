using System.Text;
using System.Threading.Channels;

namespace Minato.Testing.Streaming;

/// <summary>One stream of a <see cref="SpdyTestClient"/>: data the server sent, and writes to it.</summary>
public sealed class SpdyTestChannel
{
    private readonly SpdyTestClient _client;
    private readonly Channel<byte[]> _data = Channel.CreateUnbounded<byte[]>();
    private readonly TaskCompletionSource _replied = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal SpdyTestChannel(SpdyTestClient client, int id)
    {
        _client = client;
        Id = id;
    }

    public int Id { get; }

    /// <summary>Completes when the server sent SYN_REPLY (faults when it reset the stream first).</summary>
    public Task Replied => _replied.Task;

    /// <summary>Set when the server reset the stream.</summary>
    public bool WasReset { get; private set; }

    /// <summary>Bytes received so far, before the test read them.</summary>
    public long ReceivedBytes { get; private set; }

    public Task WriteAsync(string text, bool fin = false) => _client.SendDataAsync(Id, Encoding.UTF8.GetBytes(text), fin);

    public Task WriteAsync(byte[] data, bool fin = false) => _client.SendDataAsync(Id, data, fin);

    /// <summary>Sends an empty DATA frame with FIN: end of stream from the client.</summary>
    public Task CloseAsync() => _client.SendDataAsync(Id, Array.Empty<byte>(), fin: true);

    public Task ResetAsync() => _client.ResetAsync(Id);

    /// <summary>Reads one chunk the server sent; null at the end of the stream.</summary>
    public async Task<byte[]?> ReadChunkAsync(CancellationToken cancellationToken = default)
    {
        if (!await _data.Reader.WaitToReadAsync(cancellationToken) || !_data.Reader.TryRead(out var chunk))
        {
            return null;
        }

        await _client.WindowUpdateAsync(Id, chunk.Length);
        return chunk;
    }

    /// <summary>Reads until the server finishes the stream.</summary>
    public async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken = default)
    {
        var all = new MemoryStream();
        while (await ReadChunkAsync(cancellationToken) is { } chunk)
        {
            all.Write(chunk);
        }

        return all.ToArray();
    }

    public async Task<string> ReadTextToEndAsync(CancellationToken cancellationToken = default) =>
        Encoding.UTF8.GetString(await ReadToEndAsync(cancellationToken));

    /// <summary>Reads until at least <paramref name="count"/> bytes arrived.</summary>
    public async Task<string> ReadTextAsync(int count, CancellationToken cancellationToken = default)
    {
        var all = new MemoryStream();
        while (all.Length < count && await ReadChunkAsync(cancellationToken) is { } chunk)
        {
            all.Write(chunk);
        }

        return Encoding.UTF8.GetString(all.ToArray());
    }

    internal void Receive(byte[] data, bool fin)
    {
        if (data.Length > 0)
        {
            ReceivedBytes += data.Length;
            _data.Writer.TryWrite(data);
        }

        if (fin)
        {
            _data.Writer.TryComplete();
        }
    }

    internal void MarkReplied(bool fin)
    {
        _replied.TrySetResult();
        if (fin)
        {
            _data.Writer.TryComplete();
        }
    }

    internal void MarkReset()
    {
        WasReset = true;
        _replied.TrySetException(new IOException($"stream {Id} was reset"));
        _data.Writer.TryComplete();
    }
}
