using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>RuntimeConfig: the runtime's cgroup driver, so the kubelet can follow it instead of its own setting.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<RuntimeConfigResponse> RuntimeConfig(RuntimeConfigRequest request, ServerCallContext context) =>
        Task.FromResult(new RuntimeConfigResponse
        {
            Linux = new LinuxRuntimeConfiguration { CgroupDriver = RuntimeMapper.ToProto(config.CgroupDriver) },
        });
}
