using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Minato.Cri.Streaming;

namespace Minato.Streaming;

/// <summary>The HTTP/1.1 listener the Exec, Attach and PortForward URLs point to: SPDY/3.1 and WebSocket.</summary>
/// <remarks>A separate Kestrel host on TCP, so the CRI socket never serves these routes and this port never serves gRPC.</remarks>
public sealed class StreamingServer(
    StreamingOptions options,
    StreamingTokens tokens,
    IContainerStreams? core,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Minato.Streaming");
    private WebApplication? _app;

    /// <summary>Whether an implementation of the sessions is registered (the RPCs answer Unimplemented without one).</summary>
    public bool IsAvailable => core is not null;

    /// <summary>The listener's base URL (<c>http://127.0.0.1:PORT</c>) once started.</summary>
    public Uri? BaseUri { get; private set; }

    /// <summary>A single-use URL for <paramref name="request"/>.</summary>
    public Uri IssueUrl(StreamingRequest request)
    {
        var baseUri = BaseUri ?? throw new InvalidOperationException("the streaming server is not running");
        var kind = request switch
        {
            RemoteCommand { IsAttach: true } => "attach",
            RemoteCommand => "exec",
            _ => "portforward",
        };
        return new Uri(baseUri, $"/{kind}/{tokens.Issue(request)}");
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (core is null)
        {
            StreamingLog.NoCore(_logger);
            return;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Listen(IPAddress.Parse(options.Address), options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        _app = builder.Build();
        _app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        _app.Run(ServeAsync);
        await _app.StartAsync(cancellationToken);

        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseUri = new Uri(address.Replace("[::]", "[::1]", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        StreamingLog.Listening(_logger, BaseUri.ToString());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        var segments = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var request = segments is [var kind, var token] ? tokens.Take(token) : null;
        var matches = (segments.FirstOrDefault(), request) switch
        {
            ("exec", RemoteCommand { IsAttach: false }) or ("attach", RemoteCommand { IsAttach: true }) or ("portforward", PortForwardTarget) => true,
            _ => false,
        };
        if (!matches)
        {
            StreamingLog.Refused(_logger, "unknown, used or expired token");
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("unknown, used or expired streaming token", context.RequestAborted);
            return;
        }

        var session = new StreamingEndpoint(core!, options, _logger);
        using var open = Daemon.Metrics.DaemonMeter.StreamingSession(segments[0]);
        if (context.WebSockets.IsWebSocketRequest)
        {
            await session.ServeWebSocketAsync(context, request!);
        }
        else
        {
            await session.ServeSpdyAsync(context, request!);
        }
    }
}
