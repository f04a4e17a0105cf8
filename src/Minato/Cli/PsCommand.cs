using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato ps</c>: list containers (running ones unless <c>-a</c>) as a table, ids only, or JSON.</summary>
internal static class PsCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--all", "-a") { Description = "Show containers in every state, not only running ones" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only print ids" };
        var output = ClientOptions.Output();
        var state = new Option<string?>("--state") { Description = "created, running or exited" };
        state.AcceptOnlyFromAmong("created", "running", "exited");
        var pod = new Option<string?>("--pod", "-p") { Description = "Only containers of this pod (id or prefix)" };
        var labels = new Option<string[]>("--label") { Description = "Label selector key=value (repeatable)" };
        var command = new Command("ps", "List containers");
        foreach (var option in new Option[] { all, quiet, output, state, pod, labels })
        {
            command.Options.Add(option);
        }

        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var filter = new ContainerFilter { PodSandboxId = parse.GetValue(pod) ?? string.Empty };
            var wanted = parse.GetValue(state) ?? (parse.GetValue(all) ? null : "running");
            if (wanted is not null)
            {
                filter.State = new ContainerStateValue
                {
                    State = wanted switch
                    {
                        "created" => ContainerState.ContainerCreated,
                        "exited" => ContainerState.ContainerExited,
                        _ => ContainerState.ContainerRunning,
                    },
                };
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

            var response = await connection.Runtime.ListContainersAsync(new ListContainersRequest { Filter = filter }, cancellationToken: cancellationToken);
            var items = response.Containers.OrderByDescending(c => c.CreatedAt).ToList();
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
                await writer.WriteLineAsync(new JsonObject { ["containers"] = array }.ToJsonString(JsonOutput.Indented));
            }
            else
            {
                await Table.WriteAsync(writer, ["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID"], items.Select(c => new[]
                {
                    c.Id[..Math.Min(13, c.Id.Length)],
                    c.Image?.Image ?? string.Empty,
                    Table.Ago(c.CreatedAt),
                    c.State switch
                    {
                        ContainerState.ContainerCreated => "Created",
                        ContainerState.ContainerRunning => "Running",
                        ContainerState.ContainerExited => "Exited",
                        _ => "Unknown",
                    },
                    c.Metadata?.Name ?? string.Empty,
                    (c.Metadata?.Attempt ?? 0).ToString(CultureInfo.InvariantCulture),
                    c.PodSandboxId[..Math.Min(13, c.PodSandboxId.Length)],
                }));
            }
        });
        return command;
    }
}
