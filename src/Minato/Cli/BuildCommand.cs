using System.CommandLine;
using Grpc.Core;
using Minato.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato build [-t NAME]... [-f FILE] [--build-arg K=V]... [--target S] [--no-cache] [--pull] [--network M] CONTEXT</c>.</summary>
/// <remarks>The daemon reads the context directory in place (both run on this host), so nothing is packed or sent;
/// the builder's output is printed as it arrives, the same on a terminal and in a pipe.</remarks>
internal static class BuildCommand
{
    public static Command Create()
    {
        var contextArgument = new Argument<string>("context") { Description = "The build context directory" };
        var tags = new Option<string[]>("--tag", "-t") { Description = "Name for the image (name:tag); may repeat", AllowMultipleArgumentsPerToken = false };
        var file = new Option<string?>("--file", "-f") { Description = "The Dockerfile (default CONTEXT/Dockerfile); it must be inside the context" };
        var buildArgs = new Option<string[]>("--build-arg") { Description = "Build-time variable K=V (K alone takes it from this environment); may repeat" };
        var labels = new Option<string[]>("--label") { Description = "Label K=V for the image; may repeat" };
        var target = new Option<string?>("--target") { Description = "The stage to build" };
        var noCache = new Option<bool>("--no-cache") { Description = "Do not use the build cache" };
        var pull = new Option<bool>("--pull") { Description = "Pull every base image even when stored" };
        var network = new Option<string?>("--network") { Description = "Network for RUN: default, bridge, none or host" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the image id" };
        var command = new Command("build", "Build an image from a Dockerfile");
        command.Arguments.Add(contextArgument);
        foreach (var option in new Option[] { tags, file, buildArgs, labels, target, noCache, pull, network, quiet })
        {
            command.Options.Add(option);
        }

        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var request = Request(
                parse.GetValue(contextArgument)!, parse.GetValue(file), parse.GetValue(tags) ?? [], parse.GetValue(buildArgs) ?? [],
                parse.GetValue(labels) ?? [], Environment.GetEnvironmentVariable);
            request.Target = parse.GetValue(target) ?? "";
            request.NoCache = parse.GetValue(noCache);
            request.Pull = parse.GetValue(pull);
            request.NetworkMode = parse.GetValue(network) ?? "";
            request.Quiet = parse.GetValue(quiet);
            using var call = connection.MinatoImages.Build(request, cancellationToken: cancellationToken);
            await foreach (var update in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (update.Text.Length > 0)
                {
                    await writer.WriteAsync(update.Text);
                    await writer.FlushAsync(cancellationToken);
                }
                else if (update.ImageId.Length > 0 && request.Quiet)
                {
                    await writer.WriteLineAsync(update.ImageId);
                }
            }
        });
        return command;
    }

    /// <summary>The request for a context and the repeated options, paths made absolute from the current directory.</summary>
    /// <exception cref="CliException">The Dockerfile is outside the context, or a K=V option is malformed.</exception>
    internal static BuildRequest Request(
        string context, string? file, IReadOnlyList<string> tags, IReadOnlyList<string> buildArgs, IReadOnlyList<string> labels,
        Func<string, string?> environment)
    {
        var directory = Path.GetFullPath(context);
        var request = new BuildRequest { ContextDirectory = directory };
        if (file is not null)
        {
            var relative = Path.GetRelativePath(directory, Path.GetFullPath(file));
            if (relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            {
                throw new CliException($"the Dockerfile {file} must be inside the build context {directory}");
            }

            request.Dockerfile = relative;
        }

        request.Tags.AddRange(tags);
        foreach (var arg in buildArgs)
        {
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals == 0)
            {
                throw new CliException($"--build-arg {arg}: the name is empty");
            }

            // As docker build: K alone takes K from the client's environment, and is left out when unset there.
            if (equals < 0)
            {
                if (environment(arg) is { } value)
                {
                    request.BuildArgs[arg] = value;
                }

                continue;
            }

            request.BuildArgs[arg[..equals]] = arg[(equals + 1)..];
        }

        foreach (var label in labels)
        {
            var equals = label.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException($"--label {label}: expected K=V");
            }

            request.Labels[label[..equals]] = label[(equals + 1)..];
        }

        return request;
    }
}
