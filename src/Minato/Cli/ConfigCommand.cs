using System.CommandLine;
using Minato.Configuration;

namespace Minato.Cli;

/// <summary><c>minato config default</c> prints the default configuration; <c>config check</c> validates a file;
/// <c>config reload</c> asks the running daemon to re-read what it can without a restart.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var command = new Command("config", "Print or check the daemon configuration");

        var printDefault = new Command("default", "Print the full default minato.toml, every key commented");
        printDefault.SetAction(async parse =>
        {
            await parse.InvocationConfiguration.Output.WriteAsync(ConfigLoader.RenderDefault());
            return 0;
        });
        command.Subcommands.Add(printDefault);

        var file = new Argument<string>("file")
        {
            Description = "The file to check",
            DefaultValueFactory = _ => MinatoConfig.DefaultPath,
        };
        var check = new Command("check", "Validate a configuration file as the daemon would at start-up");
        check.Arguments.Add(file);
        check.SetAction(async parse =>
        {
            try
            {
                var config = ConfigLoader.Load(parse.GetValue(file), new ConfigOverrides());
                await parse.InvocationConfiguration.Output.WriteLineAsync($"{config.SourcePath}: ok");
                return 0;
            }
            catch (ConfigException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"minato: {e.Message}");
                return 1;
            }
        });
        command.Subcommands.Add(check);

        var reload = new Command("reload", "Make the running daemon re-read registries.conf, the auth file, the log level and the CNI config directory (as SIGHUP)");
        ClientAction.Set(reload, async (connection, _, writer, cancellationToken) =>
        {
            var reply = await connection.Operations.ReloadConfigAsync(new Api.V1.ReloadConfigRequest(), cancellationToken: cancellationToken);
            foreach (var note in reply.Notes)
            {
                await writer.WriteLineAsync(note);
            }
        });
        command.Subcommands.Add(reload);
        return command;
    }
}
