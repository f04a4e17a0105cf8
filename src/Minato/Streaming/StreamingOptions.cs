namespace Minato.Streaming;

/// <summary>The streaming server's listener and timeouts (minato.toml <c>streaming_address</c>, <c>streaming_port</c>).</summary>
public sealed record StreamingOptions
{
    /// <summary>Address the HTTP listener binds; the kubelet reaches it on the node itself. Default 127.0.0.1.</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one at start-up. Default 0.</summary>
    public int Port { get; init; }

    /// <summary>How long a URL returned by Exec, Attach or PortForward stays usable. Default 1 minute.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Most unused URLs held at once; more requests fail until some are used or expire. Default 1,000.</summary>
    public int MaxPendingTokens { get; init; } = 1000;

    /// <summary>How long a client has to open every stream it asked for. Default 30 seconds.</summary>
    public TimeSpan StreamCreationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A SPDY connection with no frame, or a WebSocket session with no message, in either direction for this
    /// long is closed. Default 4 hours.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromHours(4);
}
