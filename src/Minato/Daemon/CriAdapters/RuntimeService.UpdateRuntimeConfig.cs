using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>UpdateRuntimeConfig: the node's pod CIDRs from the kubelet, stored, shown in verbose Status, and rendered into
/// the CNI config directory when a <c>cni_config_template</c> is configured (containerd's <c>conf_template</c>).</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<UpdateRuntimeConfigResponse> UpdateRuntimeConfig(UpdateRuntimeConfigRequest request, ServerCallContext context)
    {
        // CRI: pod_cidr is the only runtime config the kubelet sends; an absent config is an empty value (changes nothing).
        podNetwork.Update(request.RuntimeConfig?.NetworkConfig?.PodCidr ?? "");
        return Task.FromResult(new UpdateRuntimeConfigResponse());
    }
}
