using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>RunPodSandbox: namespaces, files and network for a new pod.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<RunPodSandboxResponse> RunPodSandbox(RunPodSandboxRequest request, ServerCallContext context)
    {
        // CRI: config and its metadata are required; a missing one is the caller's error, not ours.
        if (request.Config?.Metadata is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "config.metadata is required"));
        }

        var sandbox = await pods.RunAsync(PodSandboxMapper.ToCore(request.Config, request.RuntimeHandler), context.CancellationToken);
        return new RunPodSandboxResponse { PodSandboxId = sandbox.Id };
    }
}
