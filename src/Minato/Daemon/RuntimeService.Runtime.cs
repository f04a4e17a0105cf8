using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Minato.Configuration;
using Minato.Cri.Api.V1;
using Minato.Cri.Containers;
using Minato.Cri.Events;
using Minato.Cri.Pods;
using Minato.Cri.Runtime;
using Minato.Engine.Network;

namespace Minato.Daemon;

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
    /// <summary>The CRI API version Minato speaks; the kubelet refuses runtimes that answer anything else.</summary>
    public const string CriApiVersion = "v1";

    public override Task<VersionResponse> Version(VersionRequest request, ServerCallContext context) =>
        Task.FromResult(new VersionResponse
        {
            // "version" is the kubelet's API version string (kept at 0.1.0 by the kubelet); it is informative only.
            Version = "0.1.0",
            RuntimeName = "minato",
            RuntimeVersion = ProductVersion.Value,
            RuntimeApiVersion = CriApiVersion,
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
            response.Info.Add("network", NetworkJson(probe));
            response.Info.Add("runtime", RuntimeJson());
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

    private static string NetworkJson(CniNetworkProbe probe) => Json(json =>
    {
        json.WriteBoolean("ready", probe.IsReady);
        if (probe.Network is { } network)
        {
            json.WriteString("name", network.Name);
            json.WriteString("file", network.Path);
            json.WriteString("cniVersion", network.CniVersion);
            json.WriteStartArray("plugins");
            foreach (var type in network.PluginTypes)
            {
                json.WriteStringValue(type);
            }

            json.WriteEndArray();
        }
        else
        {
            json.WriteString("problem", probe.Problem);
        }
    });

    private string RuntimeJson() => Json(json =>
    {
        json.WriteString("version", ProductVersion.Value);
        json.WriteString("criApiVersion", CriApiVersion);
        json.WriteString("cgroupMode", host.CgroupMode.ToString().ToLowerInvariant());
        json.WriteNumber("pid", Environment.ProcessId);
        json.WriteStartObject("runtimeHandlers");
        foreach (var handler in config.RuntimeHandlers)
        {
            json.WriteString(handler.Name, handler.ResolveExecutable() ?? "(not found)");
        }

        json.WriteEndObject();
    });

    private static string Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
