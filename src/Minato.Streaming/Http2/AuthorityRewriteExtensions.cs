using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Minato.Streaming.Http2;

/// <summary>Adds the :authority rewriting middleware to a Kestrel listener.</summary>
public static class AuthorityRewriteExtensions
{
    /// <summary>Rewrites a path-like :authority sent by old gRPC clients to "localhost" before Kestrel sees it.</summary>
    /// <remarks>
    /// kubelet and crictl before 1.30 send the Unix socket path as :authority and Kestrel resets such
    /// streams as having an invalid Host, with no option to allow it (dotnet/aspnetcore#47043). Meant for
    /// the daemon's Unix socket listener with <see cref="HttpProtocols.Http2"/>; a connection that does not
    /// start with the HTTP/2 preface is passed through untouched.
    /// </remarks>
    public static ListenOptions UseAuthorityRewrite(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        var logger = listenOptions.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(AuthorityRewriteExtensions).FullName!)
            ?? NullLogger.Instance;
        AuthorityRewriteLimits? limits = null;

        listenOptions.Use(next => async connection =>
        {
            // Read at the first connection, not here: this usually runs inside ConfigureKestrel, before the
            // limits are final (and resolving IOptions<KestrelServerOptions> here would recurse).
            limits ??= listenOptions.KestrelServerOptions is { } kestrelOptions
                ? AuthorityRewriteLimits.From(kestrelOptions)
                : AuthorityRewriteLimits.Default;
            var original = connection.Transport;
            var memoryPool = connection.Features.Get<IMemoryPoolFeature>()?.MemoryPool;
            var transport = new AuthorityRewritingTransport(original, limits, logger, memoryPool);
            await using (transport)
            {
                transport.Start(connection.ConnectionClosed);
                connection.Transport = transport;
                try
                {
                    await next(connection);
                }
                finally
                {
                    connection.Transport = original;
                }
            }
        });
        return listenOptions;
    }
}
