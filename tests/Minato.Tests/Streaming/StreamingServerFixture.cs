using Microsoft.Extensions.Logging.Abstractions;
using Minato.Streaming;

namespace Minato.Tests.Streaming;

/// <summary>A started <see cref="StreamingServer"/> on a free loopback port with <see cref="FakeContainerStreams"/>.</summary>
internal sealed class StreamingServerFixture : IAsyncDisposable
{
    private StreamingServerFixture(StreamingServer server, FakeContainerStreams core, StreamingTokens tokens)
    {
        Server = server;
        Core = core;
        Tokens = tokens;
    }

    public StreamingServer Server { get; }

    public FakeContainerStreams Core { get; }

    public StreamingTokens Tokens { get; }

    public static async Task<StreamingServerFixture> StartAsync(StreamingOptions? options = null)
    {
        options ??= new StreamingOptions { StreamCreationTimeout = TimeSpan.FromSeconds(5) };
        var core = new FakeContainerStreams();
        var tokens = new StreamingTokens(options, TimeProvider.System);
        var server = new StreamingServer(options, tokens, core, NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
        return new StreamingServerFixture(server, core, tokens);
    }

    public Uri Exec(bool tty = false, bool stdin = true, bool stdout = true, bool stderr = true, params string[] command) =>
        Server.IssueUrl(new RemoteCommand("c1", command, tty, stdin, stdout, stderr));

    public Uri Attach(bool tty = false) => Server.IssueUrl(new RemoteCommand("c1", null, tty, true, true, !tty));

    public Uri PortForward(params int[] ports) => Server.IssueUrl(new PortForwardTarget("p1", ports));

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync(CancellationToken.None);
        await Server.DisposeAsync();
    }
}
