using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Minato.Configuration;
using Minato.Cri.Api.V1;
using Minato.Cri.Containers;
using Minato.Cri.Events;
using Minato.Cri.Network;
using Minato.Cri.Pods;
using Minato.Cri.Runtime;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Network;
using Minato.Streaming;

namespace Minato.Daemon.CriAdapters;

/// <summary>CRI RuntimeService: a thin translation between protobuf messages and the core.</summary>
/// <remarks>
/// One file per RPC, named after it (<c>RuntimeService.CreateContainer.cs</c>, ...): check the request, apply the CRI's
/// rule, delegate, answer; the <c>*Mapper</c> classes beside them shape the messages. An RPC not overridden in any part
/// would answer UNIMPLEMENTED (see <see cref="CallInterceptor"/>); every RPC of the 1.36 proto is overridden.
/// </remarks>
internal sealed partial class RuntimeServiceAdapter(
    MinatoConfig config,
    CniConfigDirectory cni,
    RuntimeReadiness readiness,
    PodNetworkConfig podNetwork,
    HostFacts host,
    PodSandboxes pods,
    PodContainers containers,
    PodStatsReader podStats,
    CgroupLimitWriter podCgroups,
    ContainerEventSource events,
    IHostApplicationLifetime lifetime,
    StreamingRequestValidator streaming,
    TimeProvider time,
    ContainerSpecOptions specOptions) : RuntimeService.RuntimeServiceBase
{
    /// <summary>The directory holding the containers' writable layers, which stats report as their filesystem.</summary>
    private string LayerMountpoint => Path.Combine(config.Root, "containers");

    /// <summary>CRI: an RPC naming one object by id needs the id; an empty one is the caller's error.</summary>
    private static void RequireId(string id, string field)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, field + " is required"));
        }
    }

    /// <summary>Exec, Attach and PortForward need the streaming server, which a build without container streams lacks.</summary>
    private StreamingRequestValidator Streaming() => streaming.IsAvailable
        ? streaming
        : throw new RpcException(new Status(StatusCode.Unimplemented, "exec, attach and port-forward are not available in this build"));
}
