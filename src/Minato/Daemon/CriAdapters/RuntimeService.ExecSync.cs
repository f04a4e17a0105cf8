using Google.Protobuf;
using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>ExecSync: runs a command in a container and answers with its output and exit code.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<ExecSyncResponse> ExecSync(ExecSyncRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");

        // CRI: a timeout of 0 runs the command until it ends; a timeout is reported in the result, not as an error.
        var result = await containers.ExecSyncAsync(request.ContainerId, [.. request.Cmd], TimeSpan.FromSeconds(Math.Max(0, request.Timeout)), context.CancellationToken);
        return new ExecSyncResponse
        {
            Stdout = ByteString.CopyFrom(result.Stdout),
            Stderr = ByteString.CopyFrom(result.Stderr),
            ExitCode = result.ExitCode,
        };
    }
}
