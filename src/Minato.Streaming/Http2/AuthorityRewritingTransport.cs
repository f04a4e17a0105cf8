using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Minato.Streaming.Http2;

/// <summary>
/// The transport Kestrel sees behind the middleware: a pump copies the real input through an
/// <see cref="Http2InputRewriter"/> into a pipe Kestrel reads; the output is the real one, untouched.
/// </summary>
internal sealed class AuthorityRewritingTransport : IDuplexPipe, IAsyncDisposable
{
    private readonly IDuplexPipe _inner;
    private readonly Pipe _rewritten;
    private readonly Http2InputRewriter _rewriter;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _pump = Task.CompletedTask;

    public AuthorityRewritingTransport(IDuplexPipe inner, AuthorityRewriteLimits limits, ILogger logger, MemoryPool<byte>? memoryPool = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(logger);
        _inner = inner;
        _logger = logger;
        _rewriter = new Http2InputRewriter(limits);
        _rewritten = new Pipe(new PipeOptions(memoryPool, useSynchronizationContext: false));
    }

    public PipeReader Input => _rewritten.Reader;

    public PipeWriter Output => _inner.Output;

    /// <summary>Starts copying; the pump ends when either side completes, on error, or on disposal.</summary>
    public void Start(CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        _pump = PumpAsync(linked);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _inner.Input.CancelPendingRead();
        await _pump;
        _rewriter.Dispose();
        _stopping.Dispose();
    }

    private async Task PumpAsync(CancellationTokenSource linked)
    {
        var cancellationToken = linked.Token;
        var input = _inner.Input;
        var output = _rewritten.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken);
                if (result.IsCanceled)
                {
                    break;
                }

                var buffer = result.Buffer;
                var consumed = buffer.Start;
                var rewrittenBefore = _rewriter.RewrittenAuthorities;
                try
                {
                    consumed = _rewriter.Process(buffer, output);
                }
                finally
                {
                    // Everything was looked at: wait for more input unless a whole frame was consumed.
                    input.AdvanceTo(consumed, buffer.End);
                }

                if (rewrittenBefore == 0 && _rewriter.RewrittenAuthorities > 0)
                {
                    AuthorityRewriteLog.AuthorityRewritten(_logger);
                }

                var flush = await output.FlushAsync(cancellationToken);
                if (result.IsCompleted || flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is HpackDecodingException or Http2FramingException)
        {
            // COMPRESSION_ERROR or PROTOCOL_ERROR: the connection cannot continue, and forwarding the
            // block would desynchronise Kestrel's view. Fail Kestrel's read so it tears the connection down.
            AuthorityRewriteLog.ConnectionRejected(_logger, ex);
            error = new ConnectionAbortedException("The client sent HTTP/2 header frames that cannot be decoded.", ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed, or the connection closed: nothing more to copy.
        }
        catch (Exception ex)
        {
            // A transport failure: hand it to Kestrel's reader, which reports it.
            error = ex;
        }
        finally
        {
            linked.Dispose();
        }

        await input.CompleteAsync();
        await output.CompleteAsync(error);
    }
}
