using System.CommandLine;
using Minato.Configuration;

namespace Minato.Cli;

/// <summary><c>minato config default</c> prints the default configuration; <c>config check</c> validates a file.</summary>
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
        return command;
    }
}
