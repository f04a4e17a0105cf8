using System.CommandLine;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato rmi IMAGE...</c>: remove images by id, tag or digest.</summary>
internal static class RmiCommand
{
    public static Command Create()
    {
        var images = new Argument<string[]>("image") { Description = "Image ids, tags or digests", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rmi", "Remove images");
        command.Arguments.Add(images);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            foreach (var image in parse.GetValue(images)!)
            {
                await connection.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = image } }, cancellationToken: cancellationToken);
                await writer.WriteLineAsync($"Deleted: {image}");
            }
        });
        return command;
    }
}
