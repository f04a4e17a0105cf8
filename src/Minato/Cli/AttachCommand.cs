using System.CommandLine;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato attach [-i] [-t] CONTAINER</c>: this terminal connected to a running container's stdio until it exits.</summary>
internal static class AttachCommand
{
    public static Command Create()
    {
        var container = new Argument<string>("container") { Description = "Container id or unique prefix" };
        var stdin = ExecCommand.StdinOption();
        var tty = ExecCommand.TtyOption();
        var command = new Command("attach", "Attach to a running container's output (and input with -i)");
        command.Arguments.Add(container);
        command.Options.Add(stdin);
        command.Options.Add(tty);
        ClientAction.SetWithExitCode(command, async (connection, parse, _, cancellationToken) =>
        {
            var terminal = parse.GetValue(tty);
            var request = new AttachRequest
            {
                ContainerId = parse.GetValue(container)!,
                Stdin = parse.GetValue(stdin),
                Tty = terminal,
                Stdout = true,
                Stderr = !terminal,
            };
            var url = (await connection.Runtime.AttachAsync(request, cancellationToken: cancellationToken)).Url;
            return await RemoteCommandSession.RunAsync(url, request.Stdin, terminal, attach: true, cancellationToken);
        });
        return command;
    }
}
