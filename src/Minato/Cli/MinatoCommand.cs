using System.CommandLine;

namespace Minato.Cli;

/// <summary>The <c>minato</c> command line: the daemon verb and the client verbs.</summary>
internal static class MinatoCommand
{
    /// <summary>Parses <paramref name="args"/>, runs the chosen verb, and returns its exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var root = Create();
        var parse = root.Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,

            // The daemon's host handles SIGTERM/SIGINT itself, with a bounded drain of in-flight calls.
            ProcessTerminationTimeout = null,
        };
        return await parse.InvokeAsync(invocation);
    }

    /// <summary>Builds the root command with every verb.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("Minato: a Kubernetes CRI container runtime.");
        root.Options.Add(ClientOptions.Endpoint);
        root.Subcommands.Add(DaemonCommand.Create());
        root.Subcommands.Add(VersionCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(PodsCommand.Create());
        root.Subcommands.Add(PodCommands.Run());
        root.Subcommands.Add(PodCommands.Stop());
        root.Subcommands.Add(PodCommands.Remove());
        root.Subcommands.Add(PodCommands.Inspect());
        root.Subcommands.Add(PsCommand.Create());
        root.Subcommands.Add(ContainerCommands.Create());
        root.Subcommands.Add(ContainerCommands.Start());
        root.Subcommands.Add(ContainerCommands.Stop());
        root.Subcommands.Add(ContainerCommands.Remove());
        root.Subcommands.Add(ContainerCommands.Inspect());
        root.Subcommands.Add(LogsCommand.Create());
        root.Subcommands.Add(ExecCommand.Create());
        root.Subcommands.Add(AttachCommand.Create());
        root.Subcommands.Add(PortForwardCommand.Create());
        root.Subcommands.Add(StatsCommand.Create());
        root.Subcommands.Add(StatspCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(PullCommand.Create());
        root.Subcommands.Add(PushCommand.Create());
        root.Subcommands.Add(ImagesCommand.Create());
        root.Subcommands.Add(RmiCommand.Create());
        root.Subcommands.Add(InspectImageCommand.Create());
        root.Subcommands.Add(LoadCommand.Create());
        root.Subcommands.Add(SaveCommand.Create());
        root.Subcommands.Add(SystemCommand.Create());
        root.Subcommands.Add(TopCommand.Create());
        root.Subcommands.Add(BuildCommand.Create());
        return root;
    }
}
