using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>ContainerStats: one container's CPU, memory and writable layer use.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<ContainerStatsResponse> ContainerStats(ContainerStatsRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");
        var record = containers.Get(request.ContainerId);
        var usage = containers.Usage(ContainerMapper.FilterById(record.Id));
        return Task.FromResult(new ContainerStatsResponse { Stats = usage.Select(u => StatsMapper.ToProto(u, LayerMountpoint)).FirstOrDefault() });
    }
}
