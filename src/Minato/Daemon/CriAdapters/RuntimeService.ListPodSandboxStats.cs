using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>ListPodSandboxStats: the stats of the pods matching the filter.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<ListPodSandboxStatsResponse> ListPodSandboxStats(ListPodSandboxStatsRequest request, ServerCallContext context)
    {
        var usage = await podStats.ReadAsync(PodSandboxMapper.ToFilter(request.Filter), context.CancellationToken);
        var response = new ListPodSandboxStatsResponse();
        response.Stats.AddRange(usage.Select(u => StatsMapper.ToProto(u, LayerMountpoint)));
        return response;
    }
}
