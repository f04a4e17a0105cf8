using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>PodSandboxStats: one pod's cgroup (or its containers' sum), tasks, network and containers.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<PodSandboxStatsResponse> PodSandboxStats(PodSandboxStatsRequest request, ServerCallContext context)
    {
        RequireId(request.PodSandboxId, "pod_sandbox_id");
        var pod = pods.Get(request.PodSandboxId);
        var usage = await podStats.ReadAsync(PodSandboxMapper.FilterById(pod.Id), context.CancellationToken);
        return new PodSandboxStatsResponse { Stats = usage.Select(u => StatsMapper.ToProto(u, LayerMountpoint)).FirstOrDefault() };
    }
}
