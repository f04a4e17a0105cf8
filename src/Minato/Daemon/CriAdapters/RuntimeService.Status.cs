using Grpc.Core;
using Minato.Configuration;
using Minato.Cri.Api.V1;
using Minato.Cri.Runtime;

namespace Minato.Daemon.CriAdapters;

/// <summary>Status: the RuntimeReady and NetworkReady conditions, each handler's features, and with verbose the daemon's configuration, network, pod CIDRs and runtime.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<StatusResponse> Status(StatusRequest request, ServerCallContext context)
    {
        var probe = cni.Probe();
        var response = new StatusResponse { Status = new RuntimeStatus() };
        response.Status.Conditions.AddRange(readiness.Evaluate(probe).Select(RuntimeMapper.ToProto));
        response.RuntimeHandlers.AddRange(RuntimeHandlerSupport.For(config.RuntimeHandlers, config.DefaultRuntime, specOptions.RecursiveReadOnlyHandlers, specOptions.UserNamespaceHandlers).Select(RuntimeMapper.ToProto));

        // Supplemental groups policy (Merge and Strict) is applied at CreateContainer; a pod in a user namespace needs its
        // own network namespace here (host-network ones are refused).
        response.Features = new RuntimeFeatures { SupplementalGroupsPolicy = true, UserNamespacesHostNetwork = false };

        // CRI: verbose adds an info map of JSON values; crictl info prints it.
        if (request.Verbose)
        {
            response.Info.Add("config", ConfigJson.Write(config));
            response.Info.Add("network", RuntimeVerboseInfo.Network(probe));
            response.Info.Add("podNetwork", RuntimeVerboseInfo.PodNetwork(podNetwork));
            response.Info.Add("runtime", RuntimeVerboseInfo.Runtime(ProductVersion.Value, host.CgroupMode, config.RuntimeHandlers));
        }

        return Task.FromResult(response);
    }
}
