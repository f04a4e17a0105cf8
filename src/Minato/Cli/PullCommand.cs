using System.CommandLine;
using Grpc.Core;
using Minato.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato pull IMAGE</c>: pull with live per-layer progress (plain lines when not on a terminal).</summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "Image reference, e.g. busybox or registry:5000/app:v1" };
        var creds = new Option<string?>("--creds") { Description = "USER:PASSWORD for the image's registry" };
        var command = new Command("pull", "Pull an image, showing each layer's progress");
        command.Arguments.Add(image);
        command.Options.Add(creds);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var request = new PullRequest { Image = parse.GetValue(image)! };
            if (parse.GetValue(creds) is { } userPass)
            {
                var colon = userPass.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new CliException("--creds must be USER:PASSWORD");
                }

                (request.Username, request.Password) = (userPass[..colon], userPass[(colon + 1)..]);
            }

            var display = PullDisplay.For(writer, Console.IsOutputRedirected || writer != Console.Out);
            using var call = connection.MinatoImages.Pull(request, cancellationToken: cancellationToken);
            PullEvent? last = null;
            await foreach (var update in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                last = update;
                await display.ShowAsync(update);
            }

            await display.FinishAsync(request.Image, last);
        });
        return command;
    }
}
