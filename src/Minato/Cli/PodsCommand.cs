using System.CommandLine;
using System.Text.Json.Nodes;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato pods</c>: list pod sandboxes as a table, ids only, or JSON.</summary>
internal static class PodsCommand
{
    public static Command Create()
    {
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only print ids" };
        var output = ClientOptions.Output();
        var state = new Option<string?>("--state") { Description = "ready or notready" };
        state.AcceptOnlyFromAmong("ready", "notready");
        var labels = new Option<string[]>("--label") { Description = "Label selector key=value (repeatable)" };
        var command = new Command("pods", "List pod sandboxes");
        command.Options.Add(quiet);
        command.Options.Add(output);
        command.Options.Add(state);
        command.Options.Add(labels);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var filter = new PodSandboxFilter();
            if (parse.GetValue(state) is { } s)
            {
                filter.State = new PodSandboxStateValue { State = s == "ready" ? PodSandboxState.SandboxReady : PodSandboxState.SandboxNotready };
            }

            foreach (var label in parse.GetValue(labels) ?? [])
            {
                var parts = label.Split('=', 2);
                if (parts.Length != 2)
                {
                    throw new CliException($"--label {label}: expected key=value");
                }

                filter.LabelSelector[parts[0]] = parts[1];
            }

            var response = await connection.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest { Filter = filter }, cancellationToken: cancellationToken);
            var items = response.Items.OrderByDescending(p => p.CreatedAt).ToList();
            if (parse.GetValue(quiet))
            {
                foreach (var item in items)
                {
                    await writer.WriteLineAsync(item.Id);
                }
            }
            else if (parse.GetValue(output) == "json")
            {
                var array = new JsonArray(items.Select(i => JsonNode.Parse(Google.Protobuf.JsonFormatter.Default.Format(i))).ToArray());
                await writer.WriteLineAsync(new JsonObject { ["items"] = array }.ToJsonString(JsonOutput.Indented));
            }
            else
            {
                await Table.WriteAsync(writer, ["POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"], items.Select(p => new[]
                {
                    p.Id[..Math.Min(13, p.Id.Length)],
                    Table.Ago(p.CreatedAt),
                    p.State == PodSandboxState.SandboxReady ? "Ready" : "NotReady",
                    p.Metadata.Name,
                    p.Metadata.Namespace,
                    p.Metadata.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    // The pod runs with the default handler when it named none; crictl shows it the same way.
                    p.RuntimeHandler.Length > 0 ? p.RuntimeHandler : "(default)",
                }));
            }
        });
        return command;
    }
}
