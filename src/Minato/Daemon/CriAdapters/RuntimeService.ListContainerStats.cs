using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>ListContainerStats: CPU, memory and writable layer use of the containers matching the filter.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<ListContainerStatsResponse> ListContainerStats(ListContainerStatsRequest request, ServerCallContext context)
    {
        var usage = containers.Usage(ContainerMapper.ToFilter(request.Filter));
        var response = new ListContainerStatsResponse();
        response.Stats.AddRange(usage.Select(u => StatsMapper.ToProto(u, LayerMountpoint)));
        return Task.FromResult(response);
    }
}
