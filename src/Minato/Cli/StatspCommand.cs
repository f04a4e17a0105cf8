using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato statsp</c>: pods' CPU %, memory, tasks and network, like <c>crictl statsp</c>.</summary>
internal static class StatspCommand
{
    public static Command Create()
    {
        var id = new Argument<string?>("id") { Description = "Pod id or unique prefix (default: every pod)", Arity = ArgumentArity.ZeroOrOne };
        var labels = new Option<string[]>("--label") { Description = "Label selector key=value (repeatable)" };
        var output = StatsOutput.Format();
        var watch = new Option<bool>("--watch", "-w") { Description = "Print again every sample period until interrupted" };
        var seconds = StatsOutput.Seconds();
        var command = new Command("statsp", "Show pods' resource use");
        command.Arguments.Add(id);
        foreach (var option in new Option[] { labels, output, watch, seconds })
        {
            command.Options.Add(option);
        }

        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var filter = new PodSandboxStatsFilter { Id = parse.GetValue(id) ?? string.Empty };
            filter.LabelSelector.Add(StatsOutput.Labels(parse.GetValue(labels)));
            var request = new ListPodSandboxStatsRequest { Filter = filter };
            var period = TimeSpan.FromSeconds(parse.GetValue(seconds));
            do
            {
                var first = (await connection.Runtime.ListPodSandboxStatsAsync(request, cancellationToken: cancellationToken)).Stats;
                await Task.Delay(period, cancellationToken);
                var second = (await connection.Runtime.ListPodSandboxStatsAsync(request, cancellationToken: cancellationToken)).Stats;
                await PrintAsync(writer, first, second, parse.GetValue(output) == "json");
            }
            while (parse.GetValue(watch) && !cancellationToken.IsCancellationRequested);
        });
        return command;
    }

    private static async Task PrintAsync(TextWriter writer, IEnumerable<PodSandboxStats> first, IList<PodSandboxStats> second, bool json)
    {
        if (json)
        {
            var array = new JsonArray(second.Select(s => JsonNode.Parse(Google.Protobuf.JsonFormatter.Default.Format(s))).ToArray());
            await writer.WriteLineAsync(new JsonObject { ["stats"] = array }.ToJsonString(JsonOutput.Indented));
            return;
        }

        var before = first.ToDictionary(s => s.Attributes.Id, StringComparer.Ordinal);
        await Table.WriteAsync(writer, ["POD", "NAME", "CPU %", "MEM", "TASKS", "NET RX", "NET TX"], second.Select(s => new[]
        {
            s.Attributes.Id[..Math.Min(13, s.Attributes.Id.Length)],
            s.Attributes.Metadata?.Name ?? string.Empty,
            StatsOutput.CpuPercent(before.GetValueOrDefault(s.Attributes.Id)?.Linux?.Cpu, s.Linux?.Cpu),
            StatsOutput.Bytes(s.Linux?.Memory?.WorkingSetBytes?.Value),
            s.Linux?.Process?.ProcessCount?.Value.ToString(CultureInfo.InvariantCulture) ?? "-",
            StatsOutput.Bytes(s.Linux?.Network?.DefaultInterface?.RxBytes?.Value),
            StatsOutput.Bytes(s.Linux?.Network?.DefaultInterface?.TxBytes?.Value),
        }));
    }
}
