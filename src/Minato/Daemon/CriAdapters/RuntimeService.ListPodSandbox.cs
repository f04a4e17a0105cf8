using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>ListPodSandbox: the pods matching the filter's id, state and labels.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<ListPodSandboxResponse> ListPodSandbox(ListPodSandboxRequest request, ServerCallContext context)
    {
        var response = new ListPodSandboxResponse();
        response.Items.AddRange(pods.List(PodSandboxMapper.ToFilter(request.Filter)).Select(PodSandboxMapper.ToListItem));
        return Task.FromResult(response);
    }
}
