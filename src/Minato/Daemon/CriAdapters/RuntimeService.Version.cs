using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Cri.Runtime;

namespace Minato.Daemon.CriAdapters;

/// <summary>Version: the runtime's name and version, and the CRI version it speaks.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override Task<VersionResponse> Version(VersionRequest request, ServerCallContext context) =>
        Task.FromResult(new VersionResponse
        {
            Version = RuntimeIdentity.KubeletApiVersion,
            RuntimeName = RuntimeIdentity.Name,
            RuntimeVersion = ProductVersion.Value,
            RuntimeApiVersion = RuntimeIdentity.CriApiVersion,
        });
}
