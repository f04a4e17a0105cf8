using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Minato.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato top CONTAINER</c>: the container's processes with their host pids.</summary>
internal static class TopCommand
{
    public static Command Create()
    {
        var container = new Argument<string>("container") { Description = "Container id or unique prefix" };
        var output = ClientOptions.Output();
        var command = new Command("top", "Show the processes of a running container (host pids)");
        command.Arguments.Add(container);
        command.Options.Add(output);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var reply = await connection.Operations.TopAsync(new TopRequest { ContainerId = parse.GetValue(container)! }, cancellationToken: cancellationToken);
            if (parse.GetValue(output) == "json")
            {
                var array = new JsonArray([.. reply.Processes.Select(p => (JsonNode)new JsonObject
                {
                    ["pid"] = p.Pid,
                    ["ppid"] = p.ParentPid,
                    ["uid"] = p.Uid,
                    ["state"] = p.State,
                    ["command"] = p.Command,
                })]);
                await writer.WriteLineAsync(new JsonObject { ["processes"] = array }.ToJsonString(JsonOutput.Indented));
                return;
            }

            await Table.WriteAsync(writer, ["PID", "PPID", "UID", "STATE", "CMD"], reply.Processes.Select(p => new[]
            {
                p.Pid.ToString(CultureInfo.InvariantCulture), p.ParentPid.ToString(CultureInfo.InvariantCulture),
                p.Uid.ToString(CultureInfo.InvariantCulture), p.State, p.Command,
            }));
        });
        return command;
    }
}
