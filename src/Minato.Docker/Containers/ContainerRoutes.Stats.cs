using System.Text.Json;
using Minato.Docker.Daemon;
using Minato.Docker.Http;
using Minato.Engine.Containers;

namespace Minato.Docker.Containers;

/// <summary><c>GET /containers/{id}/stats</c>: one frame a second while streaming; with <c>stream=false</c> one frame
/// after a second reading (so <c>precpu_stats</c> is filled and the CLI shows a CPU share), with <c>one-shot=true</c>
/// (API 1.41) one frame at once. A container that does not run gets one frame of zeros, as from dockerd.</summary>
public sealed partial class ContainerRoutes
{
    /// <summary>dockerd's collection interval.</summary>
    private static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(1);

    private static readonly ApiVersion OneShotSince = new(1, 41);

    private async Task StatsAsync(DockerRequest request)
    {
        // Read-only, so pod containers are served too (a pod's sandbox row is no engine container: one frame of zeros).
        var (container, viewed) = Viewed(request);
        var stream = request.Query("stream") is null || request.QueryBool("stream");
        var oneShot = request.Version >= OneShotSince && request.QueryBool("one-shot");
        if (oneShot && stream)
        {
            throw DockerApiException.BadRequest("cannot have stream=true and one-shot=true");
        }

        request.Http.Response.ContentType = "application/json";
        if (viewed.Owner == Pods.PodContainerView.SandboxOwner)
        {
            await WriteFrameAsync(request, DockerStats.Frame(container.Name, container.Id, null, null, (ulong)Math.Max(0, HostFigures.MemoryBytes)));
            return;
        }

        await WriteStatsAsync(request, container.Name, container.Id, () => engine.Find(container.Id) ?? viewed, stream, oneShot);
    }

    /// <summary>Writes the stats frames of any engine container: <paramref name="state"/> gives its current record (a
    /// pod container's view can call this with its own name).</summary>
    internal async Task WriteStatsAsync(DockerRequest request, string name, string id, Func<ContainerRecord> state, bool stream, bool oneShot)
    {
        var hostMemory = (ulong)Math.Max(0, HostFigures.MemoryBytes);
        var previous = engine.Statistics(state());
        if (previous is null)
        {
            await WriteFrameAsync(request, DockerStats.Frame(name, id, null, null, hostMemory));
            return;
        }

        if (oneShot)
        {
            await WriteFrameAsync(request, DockerStats.Frame(name, id, previous, null, hostMemory));
            return;
        }

        if (stream)
        {
            await WriteFrameAsync(request, DockerStats.Frame(name, id, previous, null, hostMemory));
        }

        while (!request.Aborted.IsCancellationRequested)
        {
            await Task.Delay(StatsInterval, time, request.Aborted);
            var current = engine.Statistics(state());
            await WriteFrameAsync(request, DockerStats.Frame(name, id, current, current is null ? null : previous, hostMemory));
            if (!stream || current is null)
            {
                return;
            }

            previous = current;
        }
    }

    private static async Task WriteFrameAsync(DockerRequest request, StatsResponse frame)
    {
        await JsonSerializer.SerializeAsync(request.Http.Response.Body, frame, StatsJson.Default.StatsResponse, request.Aborted);
        await request.Http.Response.Body.WriteAsync("\n"u8.ToArray(), request.Aborted);
        await request.Http.Response.Body.FlushAsync(request.Aborted);
    }
}
