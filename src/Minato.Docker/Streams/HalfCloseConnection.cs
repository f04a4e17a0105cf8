using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Minato.Docker.Streams;

/// <summary>
/// A Docker API connection as Kestrel's HTTP layer sees it: the client closing its sending side (a FIN) ends a hijacked
/// connection's input only, as with dockerd, instead of aborting the whole connection.
/// </summary>
/// <remarks>Kestrel takes a FIN for the client going away and aborts the request, output included; the docker CLI sends
/// one as soon as its stdin ends (at once for <c>docker run</c> without <c>-i</c>) and still reads the output. Until the
/// connection is hijacked, a FIN means what Kestrel thinks; after, the attach or exec reads the end of its input and
/// stops on a failed write when the client is really gone.</remarks>
public sealed class HalfCloseConnection : ConnectionContext
{
    /// <summary>The connection item a hijack sets.</summary>
    public const string HijackedKey = "minato.docker.hijacked";

    private readonly ConnectionContext _inner;
    private readonly CancellationTokenSource _closed = new();
    private readonly CancellationTokenRegistration _registration;
    private IDuplexPipe _transport;

    public HalfCloseConnection(ConnectionContext inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _transport = new UpgradeBodyRewriter(inner.Transport);
        _registration = inner.ConnectionClosed.Register(() =>
        {
            if (!inner.Items.ContainsKey(HijackedKey))
            {
                _closed.Cancel();
            }
        });
    }

    public override string ConnectionId
    {
        get => _inner.ConnectionId;
        set => _inner.ConnectionId = value;
    }

    public override IFeatureCollection Features => _inner.Features;

    public override IDictionary<object, object?> Items
    {
        get => _inner.Items;
        set => _inner.Items = value;
    }

    /// <summary>The connection's pipes, with a hijack request's small body moved into a header (see <see cref="UpgradeBodyRewriter"/>).</summary>
    public override IDuplexPipe Transport
    {
        get => _transport;
        set => _transport = value;
    }

    public override CancellationToken ConnectionClosed
    {
        get => _closed.Token;
        set => throw new NotSupportedException("the closed token of a Docker connection is its own");
    }

    public override EndPoint? LocalEndPoint
    {
        get => _inner.LocalEndPoint;
        set => _inner.LocalEndPoint = value;
    }

    public override EndPoint? RemoteEndPoint
    {
        get => _inner.RemoteEndPoint;
        set => _inner.RemoteEndPoint = value;
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _closed.Cancel();
        _inner.Abort(abortReason);
    }

    /// <summary>Releases this view only; Kestrel disposes the connection itself.</summary>
    public override async ValueTask DisposeAsync()
    {
        await _registration.DisposeAsync();
        _closed.Dispose();
        await base.DisposeAsync();
    }
}
