using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Minato.Configuration;
using Minato.Cri.Api.V1;
using Minato.Cri.Containers;
using Minato.Cri.Events;
using Minato.Cri.Pods;
using Minato.Cri.Runtime;
using Minato.Engine.Network;

namespace Minato.Daemon.CriAdapters;

/// <summary>CRI RuntimeService: a thin translation between protobuf messages and the core.</summary>
/// <remarks>RPCs not overridden in any part of this class answer UNIMPLEMENTED (see <see cref="CallInterceptor"/>).</remarks>
internal sealed partial class RuntimeServiceAdapter(
    MinatoConfig config,
    CniConfigDirectory cni,
    RuntimeReadiness readiness,
    HostFacts host,
    PodSandboxes pods,
    ContainerLifecycle containers,
    PodStatsReader podStats,
    ContainerEventSource events,
    IHostApplicationLifetime lifetime,
    Minato.Streaming.StreamingRequestValidator streaming) : RuntimeService.RuntimeServiceBase
{
    public override Task<VersionResponse> Version(VersionRequest request, ServerCallContext context) =>
        Task.FromResult(new VersionResponse
        {
            Version = RuntimeIdentity.KubeletApiVersion,
            RuntimeName = RuntimeIdentity.Name,
            RuntimeVersion = ProductVersion.Value,
            RuntimeApiVersion = RuntimeIdentity.CriApiVersion,
        });

    public override Task<StatusResponse> Status(StatusRequest request, ServerCallContext context)
    {
        var probe = cni.Probe();
        var conditions = readiness.Evaluate(probe);
        var response = new StatusResponse { Status = new RuntimeStatus() };
        response.Status.Conditions.AddRange(conditions.Select(c => new Cri.Api.V1.RuntimeCondition
        {
            Type = c.Type,
            Status = c.Status,
            Reason = c.Reason,
            Message = c.Message,
        }));

        if (request.Verbose)
        {
            response.Info.Add("config", ConfigJson.Write(config));
            response.Info.Add("network", RuntimeVerboseInfo.Network(probe));
            response.Info.Add("runtime", RuntimeVerboseInfo.Runtime(ProductVersion.Value, host.CgroupMode, config.RuntimeHandlers));
        }

        return Task.FromResult(response);
    }

    public override Task<RuntimeConfigResponse> RuntimeConfig(RuntimeConfigRequest request, ServerCallContext context) =>
        Task.FromResult(new RuntimeConfigResponse
        {
            Linux = new LinuxRuntimeConfiguration
            {
                CgroupDriver = config.CgroupDriver == Engine.Linux.Cgroups.CgroupDriver.Systemd
                    ? Cri.Api.V1.CgroupDriver.Systemd
                    : Cri.Api.V1.CgroupDriver.Cgroupfs,
            },
        });
}
