using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;
using Minato.Engine.Containers;
using Minato.Engine.Monitor;

namespace Minato.Docker.Containers;

/// <summary>Start, stop, restart, kill, wait, pause, rename, resize and remove.</summary>
public sealed partial class ContainerRoutes
{
    /// <summary>How far back a wait for the next exit accepts a run that started before the wait arrived: the CLI sends its
    /// wait and its start on two connections at once, so the start may be served first.</summary>
    private static readonly TimeSpan WaitStartSlack = TimeSpan.FromSeconds(2);

    private async Task StartAsync(DockerRequest request)
    {
        if (request.Query("checkpoint") is { Length: > 0 })
        {
            throw DockerApiException.BadRequest("starting from a checkpoint is not served by this daemon");
        }

        await containers.StartAsync(Container(request), request.Aborted);
        await request.WriteStatusAsync(StatusCodes.Status204NoContent);
    }

    private async Task StopAsync(DockerRequest request)
    {
        await containers.StopAsync(Container(request), QueryInt(request, "t"), request.Query("signal"), request.Aborted);
        await request.WriteStatusAsync(StatusCodes.Status204NoContent);
    }

    private async Task RestartAsync(DockerRequest request)
    {
        await containers.RestartAsync(Container(request), QueryInt(request, "t"), request.Query("signal"), request.Aborted);
        await request.WriteStatusAsync(StatusCodes.Status204NoContent);
    }

    private async Task KillAsync(DockerRequest request)
    {
        await containers.KillAsync(Container(request), request.Query("signal"), request.Aborted);
        await request.WriteStatusAsync(StatusCodes.Status204NoContent);
    }

    private async Task PauseAsync(DockerRequest request)
    {
        await containers.PauseAsync(Container(request), pause: true, request.Aborted);
        await request.WriteStatusAsync(StatusCodes.Status204NoContent);
    }

    private async Task UnpauseAsync(DockerRequest request)
    {
        await containers.PauseAsync(Container(request), pause: false, request.Aborted);
        await request.WriteStatusAsync(StatusCodes.Status204NoContent);
    }

    private async Task RenameAsync(DockerRequest request)
    {
        var name = request.Query("name") is { Length: > 0 } n ? n : throw DockerApiException.BadRequest("Neither old nor new names may be empty");
        containers.Rename(Container(request), name);
        await request.WriteStatusAsync(StatusCodes.Status204NoContent);
    }

    private async Task ResizeAsync(DockerRequest request)
    {
        var container = Container(request);
        var (height, width) = (QueryInt(request, "h") ?? 0, QueryInt(request, "w") ?? 0);
        if (height is < 0 or > ushort.MaxValue || width is < 0 or > ushort.MaxValue)
        {
            throw DockerApiException.BadRequest("h and w must be between 0 and 65535");
        }

        var target = engine.Attach(container.Id, beforeStart: true);
        if (target.Tty)
        {
            ConmonAttach.Resize(target.ControlFifo, (ushort)width, (ushort)height);
        }

        await request.WriteStatusAsync(StatusCodes.Status200OK);
    }

    private async Task RemoveAsync(DockerRequest request)
    {
        var container = Container(request);

        if (request.QueryBool("link"))
        {
            throw DockerApiException.BadRequest("links are not served by this daemon");
        }

        await containers.RemoveAsync(container, request.QueryBool("force"), request.Aborted, removeVolumes: request.QueryBool("v"));
        execs.ForgetContainer(container.Id);
        await request.WriteStatusAsync(StatusCodes.Status204NoContent);
    }

    private async Task WaitAsync(DockerRequest request)
    {
        var arrived = time.GetUtcNow();
        var condition = request.Query("condition") switch
        {
            null or "" or "not-running" => WaitCondition.NotRunning,
            "next-exit" => WaitCondition.NextExit,
            "removed" => WaitCondition.Removed,
            var other => throw DockerApiException.BadRequest($"invalid condition: \"{other}\""),
        };
        var (container, _) = Viewed(request);
        var exit = containers.WaitAsync(container, condition, request.Aborted);
        if (condition == WaitCondition.NextExit && engine.Find(container.Id) is { Phase: ContainerPhase.Exited } state &&
            ContainerViews.FromNanoseconds(state.StartedAt) >= arrived - WaitStartSlack)
        {
            exit = Task.FromResult(state.ExitCode);
        }

        // dockerd answers the headers at once, so a client knows its wait is in place before it starts the container.
        request.Http.Response.StatusCode = StatusCodes.Status200OK;
        request.Http.Response.ContentType = "application/json";
        await request.Http.Response.StartAsync(request.Aborted);
        await request.Http.Response.Body.FlushAsync(request.Aborted);
        var code = await exit;
        await JsonSerializer.SerializeAsync(request.Http.Response.Body, new WaitResponse(code, null), DockerJson.Default.WaitResponse, request.Aborted);
    }

    private async Task PruneAsync(DockerRequest request)
    {
        var filters = request.Filters();
        var until = filters.Get("until").Select(ContainerFilters.ParseTime).DefaultIfEmpty(long.MaxValue).Min();
        var deleted = new List<string>();
        foreach (var (container, state) in containers.List())
        {
            if (state.Phase == ContainerPhase.Running || state.CreatedAt >= until || !ContainerFilters.LabelsMatch(filters, container))
            {
                continue;
            }

            await containers.RemoveAsync(container, force: false, request.Aborted);
            deleted.Add(container.Id);
        }

        await request.WriteJsonAsync(new ContainerPruneResponse(deleted, 0), DockerJson.Default.ContainerPruneResponse);
    }
}
