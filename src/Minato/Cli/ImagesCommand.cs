using System.CommandLine;
using System.Text.Json.Nodes;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato images</c>: the stored images as a table, ids only (<c>-q</c>) or JSON.</summary>
internal static class ImagesCommand
{
    public static Command Create()
    {
        var output = ClientOptions.Output();
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only image ids" };
        var filter = new Argument<string?>("image") { Description = "Only this image (id, tag or digest)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("images", "List images");
        command.Options.Add(output);
        command.Options.Add(quiet);
        command.Arguments.Add(filter);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var request = new ListImagesRequest();
            if (parse.GetValue(filter) is { Length: > 0 } name)
            {
                request.Filter = new ImageFilter { Image = new ImageSpec { Image = name } };
            }

            var images = (await connection.Images.ListImagesAsync(request, cancellationToken: cancellationToken)).Images;
            if (parse.GetValue(quiet))
            {
                foreach (var image in images)
                {
                    await writer.WriteLineAsync(image.Id);
                }
            }
            else if (parse.GetValue(output) == "json")
            {
                var array = new JsonArray();
                foreach (var image in images)
                {
                    array.Add(new JsonObject
                    {
                        ["id"] = image.Id,
                        ["repoTags"] = new JsonArray([.. image.RepoTags.Select(t => (JsonNode)t)]),
                        ["repoDigests"] = new JsonArray([.. image.RepoDigests.Select(t => (JsonNode)t)]),
                        ["size"] = image.Size,
                        ["pinned"] = image.Pinned,
                    });
                }

                await writer.WriteLineAsync(new JsonObject { ["images"] = array }.ToJsonString(JsonOutput.Indented));
            }
            else
            {
                await writer.WriteLineAsync($"{"IMAGE",-50} {"TAG",-16} {"IMAGE ID",-13} {"SIZE",10}");
                foreach (var image in images)
                {
                    var id = image.Id.Length > 19 ? image.Id[7..20] : image.Id;
                    var names = image.RepoTags.Count > 0 ? image.RepoTags : [.. image.RepoDigests.Select(d => d.Split('@')[0] + ":<none>")];
                    foreach (var tagged in names.DefaultIfEmpty("<none>:<none>"))
                    {
                        var colon = tagged.LastIndexOf(':');
                        await writer.WriteLineAsync($"{tagged[..colon],-50} {tagged[(colon + 1)..],-16} {id,-13} {PullDisplay.Bytes((long)image.Size),10}");
                    }
                }
            }
        });
        return command;
    }
}
