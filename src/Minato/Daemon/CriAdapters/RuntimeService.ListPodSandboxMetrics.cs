using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Cri.Stats;

namespace Minato.Daemon.CriAdapters;

/// <summary>ListPodSandboxMetrics: every pod's cAdvisor-named samples, for the kubelet's /metrics/cadvisor.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<ListPodSandboxMetricsResponse> ListPodSandboxMetrics(ListPodSandboxMetricsRequest request, ServerCallContext context)
    {
        var usage = await podStats.ReadAsync(PodSandboxMapper.AllPods, context.CancellationToken);
        var response = new ListPodSandboxMetricsResponse();
        response.PodMetrics.AddRange(usage.Select(u => MetricMapper.ToProto(CadvisorMetrics.ForPod(u))));
        return response;
    }
}
