using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Minato.Api.V1;
using Minato.Engine;

namespace Minato.Cli;

/// <summary><c>minato system df</c> and <c>minato system prune</c>: see and reclaim Minato's disk.</summary>
internal static class SystemCommand
{
    public static Command Create()
    {
        var command = new Command("system", "Disk usage and garbage collection");
        command.Subcommands.Add(DiskUsage());
        command.Subcommands.Add(Prune());
        return command;
    }

    private static Command DiskUsage()
    {
        var output = ClientOptions.Output();
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Every object, not only the totals" };
        var command = new Command("df", "Show disk usage (allocated bytes, as du counts them) and what could be reclaimed");
        command.Options.Add(output);
        command.Options.Add(verbose);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var usage = await connection.Operations.DiskUsageAsync(new DiskUsageRequest(), cancellationToken: cancellationToken);
            if (parse.GetValue(output) == "json")
            {
                await writer.WriteLineAsync(Json(usage, parse.GetValue(verbose)).ToJsonString(JsonOutput.Indented));
                return;
            }

            await Table.WriteAsync(writer, ["TYPE", "TOTAL", "SIZE", "RECLAIMABLE"], usage.Categories.Select(c => new[]
            {
                c.Name, c.Items.Count.ToString(CultureInfo.InvariantCulture), PullDisplay.Bytes(c.Bytes), Reclaimable(c.ReclaimableBytes, c.Bytes),
            }));
            if (!parse.GetValue(verbose))
            {
                return;
            }

            foreach (var category in usage.Categories.Where(c => c.Items.Count > 0))
            {
                await writer.WriteLineAsync();
                await writer.WriteLineAsync($"{category.Name}:");
                await Table.WriteAsync(writer, ["ID", "NAME", "SIZE", "RECLAIMABLE"], category.Items.Select(i => new[]
                {
                    Short(i.Id), i.Description, PullDisplay.Bytes(i.Bytes), i.Reclaimable ? "yes" : "no",
                }));
            }
        });
        return command;
    }

    private static Command Prune()
    {
        var all = new Option<bool>("--all", "-a") { Description = "Every image no container uses, not only untagged ones" };
        var filter = new Option<string[]>("--filter") { Description = "until=<duration or RFC 3339 time>: only images older than that" };
        var output = ClientOptions.Output();
        var command = new Command("prune", "Remove unused images (never the sandbox image, one in use or one being pulled) and unreferenced data");
        command.Options.Add(all);
        command.Options.Add(filter);
        command.Options.Add(output);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var request = new PruneRequest { All = parse.GetValue(all) };
            foreach (var item in parse.GetValue(filter) ?? [])
            {
                var (key, value) = item.IndexOf('=', StringComparison.Ordinal) is var at and > 0 ? (item[..at], item[(at + 1)..]) : (item, "");
                if (key != "until" || value.Length == 0)
                {
                    throw new CliException($"--filter {item}: only until=<duration or time> is supported");
                }

                request.UntilUnixNanos = UnixTime.Nanoseconds(LogSince.Parse(value, DateTimeOffset.UtcNow));
            }

            var result = await connection.Operations.PruneAsync(request, cancellationToken: cancellationToken);
            if (parse.GetValue(output) == "json")
            {
                await writer.WriteLineAsync(new JsonObject
                {
                    ["removedImages"] = new JsonArray([.. result.RemovedImages.Select(i => (JsonNode)i)]),
                    ["bytesReclaimed"] = result.BytesReclaimed,
                    ["blobsRemoved"] = result.BlobsRemoved,
                    ["snapshotsRemoved"] = result.SnapshotsRemoved,
                    ["containerDirectoriesRemoved"] = result.ContainerDirectoriesRemoved,
                }.ToJsonString(JsonOutput.Indented));
                return;
            }

            foreach (var image in result.RemovedImages)
            {
                await writer.WriteLineAsync($"Deleted: {image}");
            }

            await writer.WriteLineAsync($"Total reclaimed space: {PullDisplay.Bytes(result.BytesReclaimed)}");
        });
        return command;
    }

    private static JsonObject Json(DiskUsageResponse usage, bool verbose)
    {
        var categories = new JsonArray();
        foreach (var category in usage.Categories)
        {
            var entry = new JsonObject
            {
                ["name"] = category.Name,
                ["count"] = category.Items.Count,
                ["bytes"] = category.Bytes,
                ["reclaimableBytes"] = category.ReclaimableBytes,
            };
            if (verbose)
            {
                entry["items"] = new JsonArray([.. category.Items.Select(i => (JsonNode)new JsonObject
                {
                    ["id"] = i.Id,
                    ["description"] = i.Description,
                    ["bytes"] = i.Bytes,
                    ["reclaimable"] = i.Reclaimable,
                })]);
            }

            categories.Add(entry);
        }

        return new JsonObject { ["unit"] = "allocated bytes (du -B1)", ["categories"] = categories };
    }

    private static string Reclaimable(long reclaimable, long total) =>
        total > 0 ? $"{PullDisplay.Bytes(reclaimable)} ({reclaimable * 100 / total}%)" : PullDisplay.Bytes(reclaimable);

    private static string Short(string id)
    {
        var hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id[7..] : id;
        return hex.Length > 12 ? hex[..12] : hex;
    }
}
