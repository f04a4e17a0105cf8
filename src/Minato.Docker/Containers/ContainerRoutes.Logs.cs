using System.Text;
using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;
using Minato.Docker.Streams;
using Minato.Engine.Containers;

namespace Minato.Docker.Containers;

/// <summary><c>GET /containers/{id}/logs</c>: the monitor's CRI-format log as Docker's frames (raw with a TTY).</summary>
public sealed partial class ContainerRoutes
{
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(100);

    private async Task LogsAsync(DockerRequest request)
    {
        var (container, state) = Viewed(request);
        var options = new LogOptions(
            request.QueryBool("stdout"),
            request.QueryBool("stderr"),
            request.QueryBool("timestamps"),
            request.Query("since") is { Length: > 0 } since && since != "0" ? ContainerFilters.ParseTime(since) : 0,
            request.Query("until") is { Length: > 0 } until && until != "0" ? ContainerFilters.ParseTime(until) : long.MaxValue,
            Tail(request.Query("tail")));
        if (!options.Stdout && !options.Stderr)
        {
            throw DockerApiException.BadRequest("Bad parameters: you must choose at least one stream");
        }

        var follow = request.QueryBool("follow");
        request.Http.Response.StatusCode = StatusCodes.Status200OK;
        request.Http.Response.ContentType = ContentType(request, container.Config.Tty);
        await request.Http.Response.StartAsync(request.Aborted);
        using var frames = new StreamFrames(request.Http.Response.Body, !container.Config.Tty);
        await WriteLogAsync(state.LogPath, options, frames, follow ? () => engine.Find(container.Id)?.Phase == ContainerPhase.Running : null, request.Aborted);
    }

    /// <summary>Writes the log's entries that <paramref name="options"/> select; with <paramref name="running"/>, keeps
    /// following new lines while it says the container runs.</summary>
    internal static async Task WriteLogAsync(string path, LogOptions options, StreamFrames frames, Func<bool>? running, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return;
        }

        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
        var lineStart = true;
        var selected = new List<CriLogEntry>();
        await foreach (var entry in CriLogReader.ReadAsync(file, cancellationToken))
        {
            if (options.Selects(entry))
            {
                selected.Add(entry);
                if (options.Tail >= 0 && selected.Count > options.Tail * 2 + 64)
                {
                    selected.RemoveRange(0, selected.Count - options.Tail);
                }
            }
        }

        foreach (var entry in options.Tail >= 0 ? selected.TakeLast(options.Tail) : selected)
        {
            lineStart = await WriteEntryAsync(entry, options, frames, lineStart, cancellationToken);
        }

        while (running is not null && !cancellationToken.IsCancellationRequested)
        {
            var alive = running();
            var any = false;
            await foreach (var entry in CriLogReader.ReadAsync(file, cancellationToken))
            {
                any = true;
                if (entry.Time > options.Until)
                {
                    return;
                }

                if (options.Selects(entry))
                {
                    lineStart = await WriteEntryAsync(entry, options, frames, lineStart, cancellationToken);
                }
            }

            // The last read after the container exited drained what it wrote before exiting.
            if (!alive && !any)
            {
                return;
            }

            await Task.Delay(FollowPoll, cancellationToken);
        }
    }

    private static async Task<bool> WriteEntryAsync(CriLogEntry entry, LogOptions options, StreamFrames frames, bool lineStart, CancellationToken cancellationToken)
    {
        var payload = options.Timestamps && lineStart
            ? [.. Encoding.ASCII.GetBytes(ContainerViews.Time(entry.Time) + " "), .. entry.Content]
            : entry.Content;
        await frames.WriteAsync(entry.Stream, payload, cancellationToken);
        return !entry.Partial;
    }

    private static string ContentType(DockerRequest request, bool tty) =>
        VersionedShapes.StreamMediaType(request.Version, tty);

    private static int Tail(string? tail) =>
        tail is null or "" or "all" ? -1
            : int.TryParse(tail, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
            : throw DockerApiException.BadRequest($"invalid value for tail: {tail}");
}

/// <summary>What a logs request selects.</summary>
internal sealed record LogOptions(bool Stdout, bool Stderr, bool Timestamps, long Since, long Until, int Tail)
{
    public bool Selects(CriLogEntry entry) =>
        (entry.Stream == StreamKind.Stdout ? Stdout : Stderr) && entry.Time >= Since && entry.Time <= Until;
}
