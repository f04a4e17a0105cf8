using Grpc.Core;
using Grpc.Net.Client;
using Minato.Cri.Api;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary>A gRPC connection from a client verb to a CRI endpoint on a Unix socket.</summary>
internal sealed class CriConnection : IDisposable
{
    private readonly GrpcChannel _channel;

    private CriConnection(string endpoint, GrpcChannel channel)
    {
        Endpoint = endpoint;
        _channel = channel;
        Runtime = new RuntimeService.RuntimeServiceClient(channel);
        Images = new ImageService.ImageServiceClient(channel);
        MinatoImages = new Api.V1.Images.ImagesClient(channel);
        Operations = new Api.V1.Operations.OperationsClient(channel);
    }

    /// <summary>The endpoint as the user gave it.</summary>
    public string Endpoint { get; }

    public RuntimeService.RuntimeServiceClient Runtime { get; }

    public ImageService.ImageServiceClient Images { get; }

    /// <summary>Minato's own image API (pull progress, load, save) on the same socket.</summary>
    public Api.V1.Images.ImagesClient MinatoImages { get; }

    /// <summary>Minato's node operations (disk usage, prune) on the same socket.</summary>
    public Api.V1.Operations.OperationsClient Operations { get; }

    /// <summary>Connects lazily to <paramref name="endpoint"/> (<c>unix:///path</c> or a bare absolute path).</summary>
    /// <exception cref="CliException">The endpoint is not a Unix socket address.</exception>
    public static CriConnection Open(string endpoint)
    {
        var path = endpoint.StartsWith("unix://", StringComparison.Ordinal) ? endpoint["unix://".Length..] : endpoint;
        if (!path.StartsWith('/'))
        {
            throw new CliException($"endpoint \"{endpoint}\" is not unix:///absolute/path");
        }

        var channel = CriChannel.ForUnixSocket(path);
        return new CriConnection(endpoint, channel);
    }

    /// <summary>Turns a failed call into a message for people.</summary>
    public CliException Explain(RpcException e) => e.StatusCode == StatusCode.Unavailable
        ? new CliException($"cannot reach the CRI runtime at {Endpoint}: {e.Status.Detail} (is `minato daemon` running?)")
        : new CliException($"{e.StatusCode}: {e.Status.Detail}");

    public void Dispose() => _channel.Dispose();
}
