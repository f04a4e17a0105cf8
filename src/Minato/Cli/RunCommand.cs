using System.CommandLine;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato run IMAGE [COMMAND...]</c>: pull if needed, a pod with its own network, one container, its output.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "Image reference (pulled when not present)" };
        var args = new Argument<string[]>("command") { Description = "Command and arguments (default: the image's)", Arity = ArgumentArity.ZeroOrMore };
        var name = new Option<string?>("--name") { Description = "Pod and container name (default: run-<random>)" };
        var detach = new Option<bool>("--detach", "-d") { Description = "Print the pod and container ids and return at once" };
        var remove = new Option<bool>("--rm") { Description = "Remove the pod and container once the container exits" };
        var logDir = new Option<string>("--log-dir") { Description = "Where pod log directories are made", DefaultValueFactory = _ => "/var/log/minato/pods" };
        var command = new Command("run", "Run a command in a new pod and container, pulling the image if needed");
        command.Arguments.Add(image);
        command.Arguments.Add(args);
        foreach (var option in new Option[] { name, detach, remove, logDir })
        {
            command.Options.Add(option);
        }

        command.TreatUnmatchedTokensAsErrors = true;
        ClientAction.SetWithExitCode(command, async (connection, parse, writer, cancellationToken) =>
        {
            var reference = parse.GetValue(image)!;
            var status = await connection.Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = reference } }, cancellationToken: cancellationToken);
            if (status.Image is null)
            {
                await connection.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = reference } }, cancellationToken: cancellationToken);
            }

            var uid = Guid.NewGuid().ToString("N");
            var podName = parse.GetValue(name) ?? "run-" + uid[..8];
            var pod = new PodSandboxConfig
            {
                Metadata = new PodSandboxMetadata { Name = podName, Namespace = "default", Uid = uid },
                Hostname = podName,
                LogDirectory = Path.Combine(parse.GetValue(logDir)!, $"default_{podName}_{uid}"),
                Linux = new LinuxPodSandboxConfig(),
            };
            var podId = (await connection.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = pod }, cancellationToken: cancellationToken)).PodSandboxId;
            var container = new ContainerConfig
            {
                Metadata = new ContainerMetadata { Name = podName },
                Image = new ImageSpec { Image = reference },
                LogPath = $"{podName}/0.log",
            };
            container.Command.AddRange(parse.GetValue(args) ?? []);
            var id = (await connection.Runtime.CreateContainerAsync(
                new CreateContainerRequest { PodSandboxId = podId, Config = container, SandboxConfig = pod }, cancellationToken: cancellationToken)).ContainerId;
            await connection.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }, cancellationToken: cancellationToken);
            if (parse.GetValue(detach))
            {
                await writer.WriteLineAsync($"pod {podId}");
                await writer.WriteLineAsync($"container {id}");
                return 0;
            }

            var current = (await connection.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id }, cancellationToken: cancellationToken)).Status;
            await LogsCommand.PrintAsync(connection, current, writer, tail: -1, withTimes: false, follow: true, since: null, cancellationToken);
            var exit = (await connection.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id }, cancellationToken: cancellationToken)).Status.ExitCode;
            if (parse.GetValue(remove))
            {
                await connection.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = podId }, cancellationToken: cancellationToken);
            }

            return exit;
        });
        return command;
    }
}
