using System.CommandLine;
using System.Text.Json.Nodes;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato version</c>: this client's version and the runtime's answer to CRI Version.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var output = ClientOptions.Output();
        var command = new Command("version", "Show the client version and the CRI runtime's name, version and API version");
        command.Options.Add(output);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var response = await connection.Runtime.VersionAsync(new VersionRequest { Version = "0.1.0" }, cancellationToken: cancellationToken);
            if (parse.GetValue(output) == "json")
            {
                var json = new JsonObject
                {
                    ["clientVersion"] = ProductVersion.Value,
                    ["version"] = response.Version,
                    ["runtimeName"] = response.RuntimeName,
                    ["runtimeVersion"] = response.RuntimeVersion,
                    ["runtimeApiVersion"] = response.RuntimeApiVersion,
                };
                await writer.WriteLineAsync(json.ToJsonString(JsonOutput.Indented));
                return;
            }

            await writer.WriteLineAsync($"Client:             minato {ProductVersion.Value}");
            await writer.WriteLineAsync($"RuntimeName:        {response.RuntimeName}");
            await writer.WriteLineAsync($"RuntimeVersion:     {response.RuntimeVersion}");
            await writer.WriteLineAsync($"RuntimeApiVersion:  {response.RuntimeApiVersion}");
        });
        return command;
    }
}
