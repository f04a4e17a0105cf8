using System.CommandLine;
using Grpc.Core;
using Minato.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato push NAME[:TAG]</c>: push a stored image to its registry, showing each layer's progress.</summary>
internal static class PushCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "Stored image to push, e.g. registry:5000/app:v1 (the name says where)" };
        var creds = new Option<string?>("--creds") { Description = "USER:PASSWORD for the image's registry" };
        var command = new Command("push", "Push an image to its registry, showing each layer's progress");
        command.Arguments.Add(image);
        command.Options.Add(creds);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var request = new PushRequest { Image = parse.GetValue(image)! };
            if (parse.GetValue(creds) is { } userPass)
            {
                var colon = userPass.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new CliException("--creds must be USER:PASSWORD");
                }

                (request.Username, request.Password) = (userPass[..colon], userPass[(colon + 1)..]);
            }

            var display = new PushDisplay(writer, Console.IsOutputRedirected || writer != Console.Out);
            using var call = connection.MinatoImages.Push(request, cancellationToken: cancellationToken);
            PushEvent? last = null;
            await foreach (var update in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                last = update;
                await display.ShowAsync(update);
            }

            if (last is { Digest.Length: > 0 })
            {
                await writer.WriteLineAsync($"{last.Tag}: digest: {last.Digest} size: {last.Size}");
            }
        });
        return command;
    }
}
