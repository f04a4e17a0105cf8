using System.CommandLine;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato exec [-i] [-t] CONTAINER [--] COMMAND...</c>: run a command in a running container, exiting with its code.</summary>
internal static class ExecCommand
{
    public static Command Create()
    {
        var container = new Argument<string>("container") { Description = "Container id or unique prefix" };
        var args = new Argument<string[]>("command") { Description = "Command and arguments (put -- before options of the command)", Arity = ArgumentArity.OneOrMore };
        var stdin = StdinOption();
        var tty = TtyOption();
        var command = new Command("exec", "Run a command in a running container");
        command.Arguments.Add(container);
        command.Arguments.Add(args);
        command.Options.Add(stdin);
        command.Options.Add(tty);
        command.TreatUnmatchedTokensAsErrors = true;
        ClientAction.SetWithExitCode(command, async (connection, parse, _, cancellationToken) =>
        {
            var terminal = parse.GetValue(tty);
            var request = new ExecRequest
            {
                ContainerId = parse.GetValue(container)!,
                Stdin = parse.GetValue(stdin),
                Tty = terminal,
                Stdout = true,

                // A terminal carries both outputs on one stream (CRI forbids asking for both).
                Stderr = !terminal,
            };
            request.Cmd.AddRange(parse.GetValue(args)!);
            var url = (await connection.Runtime.ExecAsync(request, cancellationToken: cancellationToken)).Url;
            return await RemoteCommandSession.RunAsync(url, request.Stdin, terminal, attach: false, cancellationToken);
        });
        return command;
    }

    /// <summary><c>-i/--stdin</c>, shared with attach.</summary>
    internal static Option<bool> StdinOption() => new("--stdin", "-i") { Description = "Pass this terminal's or pipe's stdin to the container" };

    /// <summary><c>-t/--tty</c>, shared with attach.</summary>
    internal static Option<bool> TtyOption() => new("--tty", "-t") { Description = "Use a terminal (raw mode when stdin is one; its size follows this window)" };
}
