using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Cri.Pods;

namespace Minato.Daemon.CriAdapters;

/// <summary>Pod sandbox RPCs: translate, delegate to <see cref="PodSandboxes"/>, translate back.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<RunPodSandboxResponse> RunPodSandbox(RunPodSandboxRequest request, ServerCallContext context)
    {
        // CRI: config and its metadata are required; a missing one is the caller's error, not ours.
        if (request.Config?.Metadata is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "config.metadata is required"));
        }

        var sandbox = await pods.RunAsync(PodSandboxMapper.ToCore(request.Config, request.RuntimeHandler), context.CancellationToken);
        return new RunPodSandboxResponse { PodSandboxId = sandbox.Id };
    }

    public override async Task<StopPodSandboxResponse> StopPodSandbox(StopPodSandboxRequest request, ServerCallContext context)
    {
        RequireId(request.PodSandboxId);

        // CRI: idempotent; an unknown sandbox was already stopped and removed.
        await pods.StopAsync(request.PodSandboxId, context.CancellationToken);
        return new StopPodSandboxResponse();
    }

    public override async Task<RemovePodSandboxResponse> RemovePodSandbox(RemovePodSandboxRequest request, ServerCallContext context)
    {
        RequireId(request.PodSandboxId);

        // CRI: idempotent; removing an unknown sandbox succeeds.
        await pods.RemoveAsync(request.PodSandboxId, context.CancellationToken);
        return new RemovePodSandboxResponse();
    }

    public override Task<PodSandboxStatusResponse> PodSandboxStatus(PodSandboxStatusRequest request, ServerCallContext context)
    {
        RequireId(request.PodSandboxId);
        var sandbox = pods.Get(request.PodSandboxId);
        var response = new PodSandboxStatusResponse
        {
            Status = PodSandboxMapper.ToStatus(sandbox),
            Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000,
        };
        if (request.Verbose)
        {
            response.Info.Add("info", PodSandboxVerboseInfo.Json(sandbox));
        }

        return Task.FromResult(response);
    }

    public override Task<ListPodSandboxResponse> ListPodSandbox(ListPodSandboxRequest request, ServerCallContext context)
    {
        var filter = request.Filter;
        var sandboxes = pods.List(new SandboxFilter(
            filter?.Id,
            filter?.State is null ? null : filter.State.State == PodSandboxState.SandboxReady,
            filter?.LabelSelector ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>()));
        var response = new ListPodSandboxResponse();
        response.Items.AddRange(sandboxes.Select(PodSandboxMapper.ToListItem));
        return Task.FromResult(response);
    }

    private static void RequireId(string id)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "pod_sandbox_id is required"));
        }
    }
}
