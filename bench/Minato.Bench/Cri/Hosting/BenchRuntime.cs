using Grpc.Net.Client;
using Minato.Cri.Api;
using Minato.Cri.Api.V1;

namespace Minato.Bench.Cri.Hosting;

/// <summary>One runtime under test: its name in the report, its CRI clients, and whatever owns its daemon.</summary>
public sealed class BenchRuntime : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly IAsyncDisposable? _owner;

    public BenchRuntime(string name, string socketPath, IAsyncDisposable? owner)
    {
        Name = name;
        SocketPath = socketPath;
        _owner = owner;
        _channel = CriChannel.ForUnixSocket(socketPath);
        Runtime = new RuntimeService.RuntimeServiceClient(_channel);
        Images = new ImageService.ImageServiceClient(_channel);
    }

    /// <summary><c>minato</c> or <c>containerd</c>: the column the report shows.</summary>
    public string Name { get; }

    public string SocketPath { get; }

    public RuntimeService.RuntimeServiceClient Runtime { get; }

    public ImageService.ImageServiceClient Images { get; }

    /// <summary>The daemon's pid, asked of the kernel through the socket, so external endpoints are measured too.</summary>
    public int DaemonPid => PeerCredentials.ServerPid(SocketPath);

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        if (_owner is not null)
        {
            await _owner.DisposeAsync();
        }
    }

    /// <summary>Parses <c>unix:///path</c> (or a bare path) into the socket path.</summary>
    public static string SocketPathOf(string endpoint) =>
        endpoint.StartsWith("unix://", StringComparison.Ordinal) ? endpoint["unix://".Length..]
        : endpoint.StartsWith('/') ? endpoint
        : throw new ArgumentException($"only unix:// endpoints are supported, got {endpoint}", nameof(endpoint));
}
