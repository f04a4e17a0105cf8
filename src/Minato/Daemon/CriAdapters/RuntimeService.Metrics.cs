using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Cri.Pods;
using Minato.Cri.Stats;

namespace Minato.Daemon.CriAdapters;

/// <summary>Metric RPCs: the cAdvisor-style series of <see cref="CadvisorMetrics"/> for every pod.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<ListMetricDescriptorsResponse> ListMetricDescriptors(ListMetricDescriptorsRequest request, ServerCallContext context)
    {
        var response = new ListMetricDescriptorsResponse();
        response.Descriptors.AddRange(CadvisorMetrics.Definitions.Select(MetricMapper.ToDescriptor));
        return Task.FromResult(response);
    }

    public override async Task<ListPodSandboxMetricsResponse> ListPodSandboxMetrics(ListPodSandboxMetricsRequest request, ServerCallContext context)
    {
        var usage = await podStats.ReadAsync(new SandboxFilter(null, null, new Dictionary<string, string>()), context.CancellationToken);
        var response = new ListPodSandboxMetricsResponse();
        response.PodMetrics.AddRange(usage.Select(u => MetricMapper.ToProto(CadvisorMetrics.ForPod(u))));
        return response;
    }
}
