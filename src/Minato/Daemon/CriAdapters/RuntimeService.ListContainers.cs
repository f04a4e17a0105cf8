using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>ListContainers: the containers matching the filter's id, pod, state and labels.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<ListContainersResponse> ListContainers(ListContainersRequest request, ServerCallContext context)
    {
        var response = new ListContainersResponse();
        response.Containers.AddRange(containers.List(ContainerMapper.ToFilter(request.Filter)).Select(ContainerMapper.ToListItem));
        return Task.FromResult(response);
    }
}
