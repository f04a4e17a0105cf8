using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Cri.Stats;

namespace Minato.Daemon.CriAdapters;

/// <summary>ListMetricDescriptors: the cAdvisor-named series of <see cref="CadvisorMetrics"/>.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<ListMetricDescriptorsResponse> ListMetricDescriptors(ListMetricDescriptorsRequest request, ServerCallContext context)
    {
        var response = new ListMetricDescriptorsResponse();
        response.Descriptors.AddRange(CadvisorMetrics.Definitions.Select(MetricMapper.ToDescriptor));
        return Task.FromResult(response);
    }
}
