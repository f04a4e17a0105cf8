using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Cri.Containers;

namespace Minato.Daemon.CriAdapters;

/// <summary>Container RPCs: translate, delegate to <see cref="ContainerLifecycle"/>, translate back.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task<CreateContainerResponse> CreateContainer(CreateContainerRequest request, ServerCallContext context)
    {
        RequireId(request.PodSandboxId, "pod_sandbox_id");
        if (request.Config is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "config is required"));
        }

        var config = ContainerConfigMapper.ToCore(request.Config, request.SandboxConfig);
        var record = await containers.CreateAsync(request.PodSandboxId, config, context.CancellationToken);
        return new CreateContainerResponse { ContainerId = record.Id };
    }

    public override async Task<StartContainerResponse> StartContainer(StartContainerRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");
        await containers.StartAsync(request.ContainerId, context.CancellationToken);
        return new StartContainerResponse();
    }

    public override async Task<StopContainerResponse> StopContainer(StopContainerRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");

        // CRI: idempotent; a negative timeout means none.
        await containers.StopAsync(request.ContainerId, TimeSpan.FromSeconds(Math.Max(0, request.Timeout)), context.CancellationToken);
        return new StopContainerResponse();
    }

    public override async Task<RemoveContainerResponse> RemoveContainer(RemoveContainerRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");
        await containers.RemoveAsync(request.ContainerId, context.CancellationToken);
        return new RemoveContainerResponse();
    }

    public override Task<ContainerStatusResponse> ContainerStatus(ContainerStatusRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");
        var record = containers.Get(request.ContainerId);
        var response = new ContainerStatusResponse { Status = ContainerMapper.ToStatus(record) };
        if (request.Verbose)
        {
            response.Info.Add("info", ContainerVerboseInfo.Json(record));
        }

        return Task.FromResult(response);
    }

    public override Task<ListContainersResponse> ListContainers(ListContainersRequest request, ServerCallContext context)
    {
        var filter = request.Filter;
        var records = containers.List(new Cri.Containers.ContainerFilter(
            filter?.Id,
            filter?.PodSandboxId,
            filter?.State is null ? null : ContainerMapper.ToPhase(filter.State.State),
            filter?.LabelSelector ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>()));
        var response = new ListContainersResponse();
        response.Containers.AddRange(records.Select(ContainerMapper.ToListItem));
        return Task.FromResult(response);
    }

    public override async Task<UpdateContainerResourcesResponse> UpdateContainerResources(UpdateContainerResourcesRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");

        // Only Linux resources apply here; a request with none changes nothing.
        if (request.Linux is { } linux)
        {
            await containers.UpdateResourcesAsync(request.ContainerId, ContainerConfigMapper.ToCore(linux), context.CancellationToken);
        }
        else
        {
            containers.Get(request.ContainerId);
        }

        return new UpdateContainerResourcesResponse();
    }

    public override async Task<ReopenContainerLogResponse> ReopenContainerLog(ReopenContainerLogRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");
        await containers.ReopenLogAsync(request.ContainerId, context.CancellationToken);
        return new ReopenContainerLogResponse();
    }

    public override async Task<ExecSyncResponse> ExecSync(ExecSyncRequest request, ServerCallContext context)
    {
        RequireId(request.ContainerId, "container_id");

        // CRI: a timeout of 0 runs the command until it ends; a timeout is reported in the result, not as an error.
        var result = await containers.ExecSyncAsync(request.ContainerId, [.. request.Cmd], TimeSpan.FromSeconds(Math.Max(0, request.Timeout)), context.CancellationToken);
        return new ExecSyncResponse
        {
            Stdout = Google.Protobuf.ByteString.CopyFrom(result.Stdout),
            Stderr = Google.Protobuf.ByteString.CopyFrom(result.Stderr),
            ExitCode = result.ExitCode,
        };
    }

    private static void RequireId(string id, string field)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, field + " is required"));
        }
    }
}
