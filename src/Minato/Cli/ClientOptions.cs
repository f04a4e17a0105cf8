using System.CommandLine;
using Minato.Configuration;

namespace Minato.Cli;

/// <summary>Options shared by the client verbs.</summary>
internal static class ClientOptions
{
    /// <summary>The CRI endpoint: <c>--endpoint</c>, else CONTAINER_RUNTIME_ENDPOINT, else the daemon's default socket.</summary>
    public static readonly Option<string> Endpoint = new("--endpoint", "-r")
    {
        Description = "CRI endpoint (unix:///path); default: $CONTAINER_RUNTIME_ENDPOINT or " + new MinatoConfig().Listen,
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CONTAINER_RUNTIME_ENDPOINT") is { Length: > 0 } env
            ? env
            : new MinatoConfig().Listen,
    };

    /// <summary>Creates the <c>-o/--output</c> option of a verb that can print JSON.</summary>
    public static Option<string> Output()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format: text or json",
            DefaultValueFactory = _ => "text",
        };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }
}
