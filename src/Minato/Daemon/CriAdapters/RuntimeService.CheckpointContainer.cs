using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Engine.Errors;

namespace Minato.Daemon.CriAdapters;

/// <summary>CheckpointContainer: the kubelet's forensic checkpoint, a CRIU dump of the running container written as an
/// archive in CRI-O's layout; the container keeps running.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<CheckpointContainerResponse> CheckpointContainer(CheckpointContainerRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");

        // CRI: zero means the runtime's default; the engine holds long requests to its own bound.
        if (request.Timeout < 0)
        {
            throw new InvalidInputException($"timeout must not be negative (got {request.Timeout})");
        }

        var timeout = TimeSpan.FromSeconds(Math.Min(request.Timeout, (long)TimeSpan.FromDays(1).TotalSeconds));
        await containers.CheckpointAsync(request.ContainerId, request.Location, timeout, context.CancellationToken);
        return new CheckpointContainerResponse();
    }
}
