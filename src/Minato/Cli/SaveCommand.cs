using System.CommandLine;
using Grpc.Core;
using Minato.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato save -o FILE IMAGE...</c>: write images as an OCI layout tar.</summary>
internal static class SaveCommand
{
    public static Command Create()
    {
        var images = new Argument<string[]>("image") { Description = "Image ids, tags or digests", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--output", "-o") { Description = "Tar file to write (default: standard output)" };
        var command = new Command("save", "Save images to an OCI image layout tar");
        command.Arguments.Add(images);
        command.Options.Add(output);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var request = new SaveRequest();
            request.Images.AddRange(parse.GetValue(images)!);
            var path = parse.GetValue(output);
            var partial = path is null ? null : path + ".partial";
            await using (var target = partial is null ? Console.OpenStandardOutput() : File.Create(partial))
            {
                using var call = connection.MinatoImages.Save(request, cancellationToken: cancellationToken);
                await foreach (var chunk in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    await target.WriteAsync(chunk.Data.Memory, cancellationToken);
                }
            }

            if (partial is not null)
            {
                File.Move(partial, path!, overwrite: true);
                await writer.WriteLineAsync($"Saved {string.Join(", ", request.Images)} to {path}");
            }
        });
        return command;
    }
}
