using System.CommandLine;
using Grpc.Core;

namespace Minato.Cli;

/// <summary>Runs a client verb against the endpoint and turns failures into one line on stderr and exit code 1.</summary>
internal static class ClientAction
{
    public static void Set(Command command, Func<CriConnection, ParseResult, TextWriter, CancellationToken, Task> action) =>
        SetWithExitCode(command, async (connection, parse, output, cancellationToken) =>
        {
            await action(connection, parse, output, cancellationToken);
            return 0;
        });

    /// <summary>Like <see cref="Set"/>, for verbs whose exit code is the action's (e.g. a container's).</summary>
    public static void SetWithExitCode(Command command, Func<CriConnection, ParseResult, TextWriter, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                using var connection = CriConnection.Open(parse.GetValue(ClientOptions.Endpoint)!);
                try
                {
                    return await action(connection, parse, output, cancellationToken);
                }
                catch (RpcException e)
                {
                    throw connection.Explain(e);
                }
            }
            catch (CliException e)
            {
                await error.WriteLineAsync($"minato: {e.Message}");
                return 1;
            }
        });
}
