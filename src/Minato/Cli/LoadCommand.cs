using System.CommandLine;
using Minato.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato load -i FILE</c>: import a docker save archive or an OCI layout (tar or directory).</summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input", "-i") { Description = "Archive or layout directory", Required = true };
        var tag = new Option<string?>("--tag", "-t") { Description = "Name for an image the archive does not name (name:tag)" };
        var command = new Command("load", "Import images from a docker save archive or an OCI image layout");
        command.Options.Add(input);
        command.Options.Add(tag);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            // The daemon reads the path itself: both run on this host, and a directory needs no re-packing.
            var request = new LoadRequest { Path = Path.GetFullPath(parse.GetValue(input)!), Tag = parse.GetValue(tag) ?? "" };
            var response = await connection.MinatoImages.LoadAsync(request, cancellationToken: cancellationToken);
            foreach (var image in response.Images)
            {
                await writer.WriteLineAsync($"Loaded image: {(image.Names.Count > 0 ? string.Join(", ", image.Names) : image.Id)} ({image.Id})");
            }
        });
        return command;
    }
}
