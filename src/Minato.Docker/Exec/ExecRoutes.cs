using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Minato.Docker.Containers;
using Minato.Docker.Http;
using Minato.Docker.Streams;
using Minato.Engine.Containers;
using Minato.Engine.Oci;

namespace Minato.Docker.Exec;

/// <summary><c>/containers/{id}/exec</c> and <c>/exec/...</c>: processes run in a running Docker container, attached through
/// the hijacked connection or detached, with their exit codes kept for inspect.</summary>
public sealed class ExecRoutes(DockerContainers containers, ContainerService engine, ExecSessions sessions, ILogger<ExecRoutes> logger) : IDockerRoutes
{
    /// <summary>How long a finished process's output may take to drain before the answer ends.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    public IEnumerable<DockerRoute> Routes() =>
    [
        new(HttpMethods.Post, "/containers/{id}/exec", CreateAsync, DockerRouter.DefaultMaxBodyBytes),
        new(HttpMethods.Post, "/exec/{id}/start", StartAsync, DockerRouter.DefaultMaxBodyBytes),
        new(HttpMethods.Post, "/exec/{id}/resize", ResizeAsync, 0),
        new(HttpMethods.Get, "/exec/{id}/json", InspectAsync, 0),
    ];

    private async Task CreateAsync(DockerRequest request)
    {
        var container = containers.Get(request.Route("id"));
        var body = await request.ReadJsonAsync(DockerJson.Default.ExecCreateRequest, new ExecCreateRequest());
        if (body.Cmd is not { Count: > 0 } || body.Cmd[0].Length == 0)
        {
            throw DockerApiException.BadRequest("No exec command specified");
        }

        if (body.Privileged)
        {
            throw DockerApiException.BadRequest("exec with its own privileges is not served yet; the process runs with the container's");
        }

        ExecProcessChange.Check(body);

        if (containers.State(container).Phase != ContainerPhase.Running || containers.Current(container).Paused)
        {
            throw DockerApiException.Conflict($"Container {container.Id} is not running");
        }

        DetachKeys.Parse(body.DetachKeys);
        if (ExecProcessChange.For(body) is { } change)
        {
            // The user is looked up in the container's files now, so an unknown one is a 400 here rather than after the
            // client upgraded the start request to a raw stream, where the CLI can only say the upgrade failed.
            using var probe = await engine.PrepareExecAsync(container.Id, body.Cmd, terminal: null, request.Aborted, change);
        }

        var session = sessions.Add(container.Id, body);
        await request.WriteJsonAsync(new ExecCreateResponse(session.Id), DockerJson.Default.ExecCreateResponse, StatusCodes.Status201Created);
    }

    private async Task StartAsync(DockerRequest request)
    {
        var session = sessions.Get(request.Route("id"));
        var body = Hijack.MovedBody(request.Http) is { } moved
            ? Deserialize(moved)
            : await request.ReadJsonAsync(DockerJson.Default.ExecStartRequest, new ExecStartRequest());
        if (!session.TryClaim())
        {
            throw DockerApiException.Conflict($"Exec command {session.Id} has already run");
        }

        var create = session.Request;
        var tty = create.Tty || body.Tty;
        var size = body.ConsoleSize ?? create.ConsoleSize;
        ConsoleSize? terminal = !tty ? null
            : size is [var rows, var columns] && rows is > 0 and <= ushort.MaxValue && columns is > 0 and <= ushort.MaxValue
                ? new ConsoleSize((ushort)columns, (ushort)rows) : new ConsoleSize(80, 24);
        var target = await engine.PrepareExecAsync(session.ContainerId, create.Cmd!, terminal, request.Aborted, ExecProcessChange.For(create));
        if (body.Detach)
        {
            var detached = target.Start(new ExecStdio(Stdin: false, Stdout: false, Stderr: false));
            session.Process = detached;
            session.Running = true;
            _ = FinishAsync(session, target, detached, Task.CompletedTask);
            await request.WriteStatusAsync(StatusCodes.Status200OK);
            return;
        }

        var (input, output) = await Hijack.TakeOverAsync(request.Http, VersionedShapes.StreamMediaType(request.Version, tty));
        using var frames = new StreamFrames(output, !tty);
        var process = target.Start(new ExecStdio(create.AttachStdin, Stdout: true, Stderr: !tty));
        session.Process = process;
        session.Running = true;
        var pumps = Task.WhenAll(
            CopyAsync(process.Stdout, frames, StreamKind.Stdout, create.AttachStdout || tty),
            CopyAsync(process.Stderr, frames, StreamKind.Stderr, create.AttachStderr));
        if (create.AttachStdin && process.Stdin is { } stdin)
        {
            _ = FeedAsync(input, stdin, CancellationToken.None);
        }

        await FinishAsync(session, target, process, pumps);
    }

    private static ExecStartRequest Deserialize(byte[] body)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(body, DockerJson.Default.ExecStartRequest) ?? new ExecStartRequest();
        }
        catch (System.Text.Json.JsonException e)
        {
            throw DockerApiException.BadRequest($"invalid JSON body: {e.Message}");
        }
    }

    private async Task FinishAsync(ExecSession session, ExecTarget target, IExecProcess process, Task pumps)
    {
        using (target)
        using (process)
        {
            try
            {
                session.ExitCode = await process.Exited;
                await Task.WhenAny(pumps, Task.Delay(DrainTimeout));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                DockerLog.ExecFailed(logger, session.ContainerId, e);
                session.ExitCode ??= 126;
            }
            finally
            {
                session.Running = false;
            }
        }
    }

    /// <summary>Copies one output of the process to the client; not tied to the request, which a client's half-close after
    /// its stdin aborts while it still reads (a client that is gone shows as a failed write, and the rest is dropped).</summary>
    private static async Task CopyAsync(Stream? from, StreamFrames frames, StreamKind kind, bool wanted)
    {
        if (from is null)
        {
            return;
        }

        var buffer = new byte[StreamFrames.MaxPayload];
        int read;
        while ((read = await from.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            if (!wanted)
            {
                continue;
            }

            try
            {
                await frames.WriteAsync(kind, buffer.AsMemory(0, read), CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The client left; the rest of the output is read and dropped so the process never blocks on it.
                wanted = false;
            }
        }
    }

    private static async Task FeedAsync(Stream input, Stream stdin, CancellationToken cancellationToken)
    {
        try
        {
            await input.CopyToAsync(stdin, cancellationToken);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Either side went away.
        }
        finally
        {
            await stdin.DisposeAsync();
        }
    }

    private async Task ResizeAsync(DockerRequest request)
    {
        var session = sessions.Get(request.Route("id"));
        var (h, w) = (request.Query("h"), request.Query("w"));
        if (!ushort.TryParse(h, out var rows) || !ushort.TryParse(w, out var columns))
        {
            throw DockerApiException.BadRequest("h and w must be between 0 and 65535");
        }

        session.Process?.Resize(columns, rows);
        await request.WriteStatusAsync(StatusCodes.Status200OK);
    }

    private async Task InspectAsync(DockerRequest request)
    {
        var session = sessions.Get(request.Route("id"));
        var create = session.Request;
        var inspect = new ExecInspect
        {
            ID = session.Id,
            Running = session.Running,
            ExitCode = session.ExitCode,
            ProcessConfig = new ExecProcessConfig(create.Cmd![0], create.Cmd.Skip(1).ToList(), create.Tty, create.Privileged, create.User ?? string.Empty),
            OpenStdin = create.AttachStdin,
            OpenStdout = create.AttachStdout,
            OpenStderr = create.AttachStderr,
            ContainerID = session.ContainerId,
            DetachKeys = create.DetachKeys ?? string.Empty,
        };
        await request.WriteJsonAsync(inspect, DockerJson.Default.ExecInspect);
    }
}
