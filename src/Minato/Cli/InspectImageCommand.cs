using System.CommandLine;
using System.Text.Json.Nodes;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato inspecti IMAGE</c>: ImageStatus with the verbose info, as JSON.</summary>
internal static class InspectImageCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "Image id, tag or digest" };
        var command = new Command("inspecti", "Show an image's status, config and history as JSON");
        command.Arguments.Add(image);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var name = parse.GetValue(image)!;
            var response = await connection.Images.ImageStatusAsync(
                new ImageStatusRequest { Image = new ImageSpec { Image = name }, Verbose = true }, cancellationToken: cancellationToken);
            if (response.Image is null)
            {
                throw new CliException($"image {name} not found");
            }

            var json = new JsonObject
            {
                ["status"] = new JsonObject
                {
                    ["id"] = response.Image.Id,
                    ["repoTags"] = new JsonArray([.. response.Image.RepoTags.Select(t => (JsonNode)t)]),
                    ["repoDigests"] = new JsonArray([.. response.Image.RepoDigests.Select(t => (JsonNode)t)]),
                    ["size"] = response.Image.Size,
                    ["uid"] = response.Image.Uid?.Value,
                    ["username"] = response.Image.Username,
                    ["pinned"] = response.Image.Pinned,
                },
            };
            foreach (var (key, value) in response.Info)
            {
                json[key] = JsonOutput.ParseOrString(value);
            }

            await writer.WriteLineAsync(json.ToJsonString(JsonOutput.Indented));
        });
        return command;
    }
}
