using Grpc.Core;
using Minato.Api.V1;
using Minato.Engine.Disk;
using Minato.Engine.Errors;

namespace Minato.Daemon;

/// <summary><c>minato.v1.Operations</c>: disk accounting and pruning for <c>minato system</c>, <c>minato config reload</c> and <c>minato top</c>.</summary>
internal sealed class OperationsAdapter(
    DiskUsageService usage, GarbageCollector collector, ConfigReloader reloader, Engine.Containers.ContainerService containers) : Operations.OperationsBase
{
    public override Task<TopResponse> Top(TopRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.ContainerId))
        {
            throw new InvalidInputException("container_id is required");
        }

        var response = new TopResponse();
        response.Processes.AddRange(containers.Processes(request.ContainerId).Select(p => new Api.V1.ContainerProcess
        {
            Pid = p.Pid,
            ParentPid = p.ParentPid,
            Uid = p.Uid,
            State = p.State,
            Command = p.Command,
        }));
        return Task.FromResult(response);
    }

    public override Task<ReloadConfigResponse> ReloadConfig(ReloadConfigRequest request, ServerCallContext context)
    {
        var response = new ReloadConfigResponse();
        response.Notes.AddRange(reloader.Reload());
        return Task.FromResult(response);
    }

    public override Task<DiskUsageResponse> DiskUsage(DiskUsageRequest request, ServerCallContext context)
    {
        // Walking big trees blocks; keep it off the request thread.
        return Task.Run(() =>
        {
            var response = new DiskUsageResponse();
            foreach (var category in usage.Measure().Categories)
            {
                var reply = new Api.V1.DiskUsageCategory { Name = category.Name, Bytes = category.Bytes, ReclaimableBytes = category.ReclaimableBytes };
                reply.Items.AddRange(category.Items.Select(i => new Api.V1.DiskUsageItem
                {
                    Id = i.Id,
                    Description = i.Description,
                    Bytes = i.Bytes,
                    Reclaimable = i.Reclaimable,
                }));
                response.Categories.Add(reply);
            }

            return response;
        }, context.CancellationToken);
    }

    public override async Task<PruneResponse> Prune(PruneRequest request, ServerCallContext context)
    {
        if (request.UntilUnixNanos < 0)
        {
            throw new InvalidInputException($"until_unix_nanos: {request.UntilUnixNanos} is negative");
        }

        var result = await collector.PruneAsync(
            new ImagePruneOptions(request.All, request.UntilUnixNanos > 0 ? request.UntilUnixNanos : null), context.CancellationToken);
        var response = new PruneResponse
        {
            BytesReclaimed = result.Bytes,
            BlobsRemoved = result.Store.Blobs,
            SnapshotsRemoved = result.Store.Snapshots,
            ContainerDirectoriesRemoved = result.Containers.Directories,
        };
        response.RemovedImages.AddRange(result.Images);
        return response;
    }
}
