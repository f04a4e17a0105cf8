using System.CommandLine;
using System.Text;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato logs [-f] [--tail N] [--timestamps] ID</c>: a container's output from its CRI log file.</summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Container id or unique prefix" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until the container exits" };
        var tail = new Option<int>("--tail") { Description = "Only the last N lines (-1: all)", DefaultValueFactory = _ => -1 };
        var timestamps = new Option<bool>("--timestamps", "-t") { Description = "Prefix each line with its RFC 3339 timestamp" };
        var since = new Option<string?>("--since") { Description = "Only lines since an RFC 3339 time or for a duration back from now (10s, 5m, 1h30m)" };
        var command = new Command("logs", "Print a container's logs");
        command.Arguments.Add(id);
        command.Options.Add(follow);
        command.Options.Add(tail);
        command.Options.Add(timestamps);
        command.Options.Add(since);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var status = (await connection.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = parse.GetValue(id)! }, cancellationToken: cancellationToken)).Status;
            var from = parse.GetValue(since) is { } value ? LogSince.Parse(value, DateTimeOffset.UtcNow) : (DateTimeOffset?)null;
            await PrintAsync(connection, status, writer, parse.GetValue(tail), parse.GetValue(timestamps), parse.GetValue(follow), from, cancellationToken);
        });
        return command;
    }

    /// <summary>
    /// Prints the container's log (records from <paramref name="since"/> on, then the last <paramref name="tail"/> of them, or all
    /// when negative), then new lines until it exits when following.
    /// </summary>
    public static async Task PrintAsync(CriConnection connection, ContainerStatus status, TextWriter writer, int tail, bool withTimes, bool follow, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        if (!File.Exists(status.LogPath))
        {
            throw new CliException($"{status.LogPath}: no log file (the log is read on the daemon's host)");
        }

        await using var file = new FileStream(status.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(file, Encoding.UTF8);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            // Records are in time order: everything before the first one at or after --since is skipped.
            if (since is { } from && lines.Count == 0 && LogSince.RecordTime(line.Split(' ', 2)[0]) < from)
            {
                continue;
            }

            lines.Add(line);
        }

        foreach (var line in tail >= 0 ? lines.Skip(Math.Max(0, lines.Count - tail)) : lines)
        {
            await WriteAsync(writer, line, withTimes);
        }

        while (follow && !cancellationToken.IsCancellationRequested)
        {
            if (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                await WriteAsync(writer, line, withTimes);
                continue;
            }

            var state = (await connection.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = status.Id }, cancellationToken: cancellationToken)).Status.State;
            if (state == ContainerState.ContainerExited)
            {
                // Lines written between the last read and the exit.
                while (await reader.ReadLineAsync(cancellationToken) is { } rest)
                {
                    await WriteAsync(writer, rest, withTimes);
                }

                break;
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Writes one CRI record (<c>time stream tag content</c>): partial records join the next without a newline.</summary>
    private static async Task WriteAsync(TextWriter writer, string record, bool timestamps)
    {
        var parts = record.Split(' ', 4);
        if (parts.Length < 3)
        {
            return;
        }

        var content = parts.Length == 4 ? parts[3] : string.Empty;
        await writer.WriteAsync(timestamps ? parts[0] + " " + content : content);
        if (parts[2] != "P")
        {
            await writer.WriteLineAsync();
        }
    }
}
