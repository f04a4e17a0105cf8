using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>StreamPodSandboxes: ListPodSandbox's pods, same filter, in messages of a bounded number of pods.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task StreamPodSandboxes(StreamPodSandboxesRequest request, IServerStreamWriter<StreamPodSandboxesResponse> responseStream, ServerCallContext context) =>
        ListChunks.WriteAsync(
            pods.List(PodSandboxMapper.ToFilter(request.Filter)),
            config.ListStreamChunkSize,
            chunk => new StreamPodSandboxesResponse { PodSandboxes = { chunk.Select(PodSandboxMapper.ToListItem) } },
            responseStream,
            context.CancellationToken);
}
