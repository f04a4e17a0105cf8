using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato stats</c>: containers' CPU %, memory, writable layer bytes and inodes, like <c>crictl stats</c>.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var id = new Argument<string?>("id") { Description = "Container id or unique prefix (default: every container)", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all", "-a") { Description = "Show every container, not only running ones" };
        var pod = new Option<string?>("--pod", "-p") { Description = "Only containers of this pod (id or prefix)" };
        var labels = new Option<string[]>("--label") { Description = "Label selector key=value (repeatable)" };
        var output = StatsOutput.Format();
        var watch = new Option<bool>("--watch", "-w") { Description = "Print again every sample period until interrupted" };
        var seconds = StatsOutput.Seconds();
        var command = new Command("stats", "Show containers' resource use");
        command.Arguments.Add(id);
        foreach (var option in new Option[] { all, pod, labels, output, watch, seconds })
        {
            command.Options.Add(option);
        }

        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var filter = new ContainerStatsFilter { Id = parse.GetValue(id) ?? string.Empty, PodSandboxId = parse.GetValue(pod) ?? string.Empty };
            filter.LabelSelector.Add(StatsOutput.Labels(parse.GetValue(labels)));
            var period = TimeSpan.FromSeconds(parse.GetValue(seconds));
            var showAll = parse.GetValue(all) || filter.Id.Length > 0;
            do
            {
                var first = await ReadAsync(connection, filter, showAll, cancellationToken);
                await Task.Delay(period, cancellationToken);
                var second = await ReadAsync(connection, filter, showAll, cancellationToken);
                await PrintAsync(writer, first, second, parse.GetValue(output) == "json");
            }
            while (parse.GetValue(watch) && !cancellationToken.IsCancellationRequested);
        });
        return command;
    }

    private static async Task<List<ContainerStats>> ReadAsync(CriConnection connection, ContainerStatsFilter filter, bool all, CancellationToken cancellationToken)
    {
        var stats = (await connection.Runtime.ListContainerStatsAsync(new ListContainerStatsRequest { Filter = filter }, cancellationToken: cancellationToken)).Stats;
        if (all)
        {
            return [.. stats];
        }

        var running = (await connection.Runtime.ListContainersAsync(
            new ListContainersRequest { Filter = new ContainerFilter { State = new ContainerStateValue { State = ContainerState.ContainerRunning } } },
            cancellationToken: cancellationToken)).Containers.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        return stats.Where(s => running.Contains(s.Attributes.Id)).ToList();
    }

    private static async Task PrintAsync(TextWriter writer, List<ContainerStats> first, List<ContainerStats> second, bool json)
    {
        if (json)
        {
            var array = new JsonArray(second.Select(s => JsonNode.Parse(Google.Protobuf.JsonFormatter.Default.Format(s))).ToArray());
            await writer.WriteLineAsync(new JsonObject { ["stats"] = array }.ToJsonString(JsonOutput.Indented));
            return;
        }

        var before = first.ToDictionary(s => s.Attributes.Id, StringComparer.Ordinal);
        await Table.WriteAsync(writer, ["CONTAINER", "NAME", "CPU %", "MEM", "DISK", "INODES"], second.Select(s => new[]
        {
            s.Attributes.Id[..Math.Min(13, s.Attributes.Id.Length)],
            s.Attributes.Metadata?.Name ?? string.Empty,
            StatsOutput.CpuPercent(before.GetValueOrDefault(s.Attributes.Id)?.Cpu, s.Cpu),
            StatsOutput.Bytes(s.Memory?.WorkingSetBytes?.Value),
            StatsOutput.Bytes(s.WritableLayer?.UsedBytes?.Value),
            s.WritableLayer?.InodesUsed?.Value.ToString(CultureInfo.InvariantCulture) ?? "-",
        }));
    }
}
