using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Minato.Cri.Streaming;

namespace Minato.Streaming.Spdy;

/// <summary>Port-forward over SPDY (portforward.k8s.io): each forwarded connection is a <c>data</c> and an
/// <c>error</c> stream sharing a <c>requestID</c>, with the target in the <c>port</c> header.</summary>
internal static class SpdyPortForward
{
    public const string Protocol = "portforward.k8s.io";

    /// <summary>A request's two streams as they arrive, in either order.</summary>
    private sealed class Pair
    {
        public SpdyStream? Data { get; set; }

        public SpdyStream? Error { get; set; }
    }

    public static async Task ServeAsync(SpdyConnection connection, PortForwardTarget target, IContainerStreams core, StreamingOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Closed);
        var pairs = new Dictionary<string, Pair>(StringComparer.Ordinal);
        var forwards = new List<Task>();
        try
        {
            await foreach (var stream in connection.IncomingStreams.ReadAllAsync(session.Token))
            {
                var type = stream.Header("streamtype");
                if (type is not ("data" or "error"))
                {
                    stream.Dispose();
                    continue;
                }

                await stream.ReplyAsync(session.Token);
                var id = RequestId(stream, type);
                if (!pairs.TryGetValue(id, out var pair))
                {
                    pairs[id] = pair = new Pair();
                    forwards.Add(ExpireAsync(id, pair, options.StreamCreationTimeout, session.Token));
                }

                if (type == "data")
                {
                    pair.Data ??= stream;
                }
                else
                {
                    pair.Error ??= stream;
                }

                if (pair is { Data: not null, Error: not null })
                {
                    pairs.Remove(id);
                    forwards.Add(ForwardAsync(pair.Data, pair.Error, target, core, logger, session.Token));
                }

                forwards.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client closed the connection.
        }

        await session.CancelAsync();
        await Task.WhenAll(forwards);
    }

    /// <summary>Older clients send no requestID; their streams come in (error, data) pairs of consecutive odd ids.</summary>
    private static string RequestId(SpdyStream stream, string type) =>
        stream.Header("requestid") ?? (type == "data" ? stream.Id - 2 : stream.Id).ToString(CultureInfo.InvariantCulture);

    private static async Task ForwardAsync(SpdyStream data, SpdyStream error, PortForwardTarget target, IContainerStreams core, ILogger logger, CancellationToken cancellationToken)
    {
        var port = int.TryParse(data.Header("port"), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
        string? failure = null;
        if (port is < 1 or > 65535)
        {
            failure = $"invalid port '{data.Header("port")}'";
        }
        else if (target.Ports.Count > 0 && !target.Ports.Contains(port))
        {
            failure = $"port {port} was not requested for this session";
        }
        else
        {
            try
            {
                await core.PortForwardAsync(target.PodSandboxId, port, data.AsStream(read: true, write: true), cancellationToken);
            }
            catch (PortForwardException e)
            {
                failure = e.Message;
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The client or the session went away mid-copy.
            }
        }

        try
        {
            if (failure is not null)
            {
                StreamingLog.PortForwardFailed(logger, target.PodSandboxId, port, failure);
                await error.WriteAsync(Encoding.UTF8.GetBytes($"error forwarding port {port} to pod {target.PodSandboxId}: {failure}"), cancellationToken);
            }

            await data.CloseAsync(cancellationToken);
            await error.CloseAsync(cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Nobody left to tell.
        }
    }

    /// <summary>A request whose second stream never comes is answered on the stream that did, then dropped.</summary>
    private static async Task ExpireAsync(string id, Pair pair, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(timeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (pair is { Data: not null, Error: not null })
        {
            return;
        }

        try
        {
            if (pair.Error is { } error)
            {
                await error.WriteAsync(Encoding.UTF8.GetBytes($"timed out waiting for the data stream of request {id}"), cancellationToken);
                await error.CloseAsync(cancellationToken);
            }

            pair.Data?.Dispose();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client is gone.
        }
    }
}
